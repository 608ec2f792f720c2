public import Controller
import Foundation
import Hummingbird
public import Logging

/// The HTTP face of `mlgitops sync --listen HOST:PORT`: `POST /webhook` (GitHub, GitLab and
/// Azure DevOps pushes, authenticated with the shared secret), `GET /healthz` and
/// `GET /metrics` (Prometheus text). It runs beside the controller's loop and stops with it.
public struct SyncServer: Sendable {
    public let host: String
    public let port: Int
    private let controller: SyncController
    private let authentication: WebhookAuthentication?
    private let logger: Logger

    /// The largest webhook body read (GitHub caps payloads at 25 MB; a push of many commits
    /// stays far below this).
    static let maximumBody = 5 << 20

    /// A server for `controller` at `address` (`HOST:PORT`); deliveries are authenticated with
    /// the secret in `secretFile` (without one, every delivery is refused).
    public init(address: String, secretFile: String?, controller: SyncController, logger: Logger) throws {
        (self.host, self.port) = try Self.parse(address)
        self.controller = controller
        self.authentication = try secretFile.map { try WebhookAuthentication.load(from: $0) }
        self.logger = logger
    }

    /// Checks `--listen` and `--webhook-secret-file` before anything is created.
    public static func check(address: String, secretFile: String?) throws {
        _ = try parse(address)
        _ = try secretFile.map { try WebhookAuthentication.load(from: $0) }
    }

    private static func parse(_ address: String) throws -> (String, Int) {
        guard let colon = address.lastIndex(of: ":"), let port = Int(address[address.index(after: colon)...]),
            (0...65535).contains(port), colon != address.startIndex
        else { throw ServerError.badAddress(address) }
        return (String(address[..<colon]), port)
    }

    /// Serves until the controller's loop ends (after `stop()`), then shuts the listener down.
    public func run(once: Bool = false, report: @escaping @Sendable (TickReport) -> Void) async throws {
        let router = Router()
        router.get("healthz") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: "{\"status\":\"ok\"}\n")))
        }
        let metrics = controller.metrics
        router.get("metrics") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: metrics.prometheusText())))
        }
        let webhook = WebhookEndpoint(
            authentication: authentication, branch: controller.settings.branch, controller: controller, logger: logger)
        router.post("webhook") { request, _ in
            let body: ByteBuffer
            do {
                body = try await request.body.collect(upTo: Self.maximumBody)
            } catch {
                return WebhookEndpoint.json(.contentTooLarge, ["error": "the body is larger than \(Self.maximumBody) bytes"])
            }
            let headers = request.headers
            return webhook.answer(
                header: { name in
                    let wanted = name.lowercased()
                    return headers.first { $0.name.canonicalName == wanted }?.value
                },
                body: Array(body.readableBytesView))
        }
        var serverLogger = logger
        serverLogger.logLevel = .warning
        let logger = logger, address = "\(host):\(port)"
        let (running, announce) = AsyncStream<Void>.makeStream()
        let app = Application(
            router: router, configuration: ApplicationConfiguration(address: .hostname(host, port: port)),
            onServerRunning: { _ in
                logger.info("listening", metadata: ["address": "\(address)"])
                announce.yield()
            },
            logger: serverLogger)
        let server = Task {
            defer { announce.finish() }
            try await app.run()
        }
        // The loop starts once the listener is up: a taken port fails before anything is applied.
        var listening = false
        for await _ in running {
            listening = true
            break
        }
        guard listening else {
            do {
                try await server.value
            } catch {
                throw ServerError.cannotListen(address: address, detail: "\(error)")
            }
            return
        }
        // The listener failing later stops the loop after its tick.
        let controller = controller
        let watcher = Task {
            if case .failure = await server.result { controller.stop() }
        }
        await controller.run(once: once, report: report)
        server.cancel()
        watcher.cancel()
        if case .failure(let error) = await server.result, !(error is CancellationError) { throw error }
    }
}

/// Answers `POST /webhook`.
struct WebhookEndpoint: Sendable {
    let authentication: WebhookAuthentication?
    let branch: String
    let controller: SyncController
    let logger: Logger

    func answer(header: (String) -> String?, body: [UInt8]) -> Response {
        let metrics = controller.metrics
        let provider = header("X-GitHub-Event") != nil ? "github" : header("X-Gitlab-Event") != nil ? "gitlab" : "azure-devops"
        guard let authentication else {
            metrics.recordWebhook(provider: provider, result: "unauthorized")
            logger.warning("webhook refused", metadata: ["provider": "\(provider)", "reason": "no --webhook-secret-file"])
            return Self.json(.unauthorized, ["error": "this server has no webhook secret (--webhook-secret-file)"])
        }
        if case .failure(let refusal) = authentication.verify(header: header, body: body) {
            metrics.recordWebhook(provider: provider, result: "unauthorized")
            logger.warning("webhook refused", metadata: ["provider": "\(provider)", "reason": "\(refusal.message)"])
            return Self.json(.unauthorized, ["error": refusal.message])
        }
        switch PushEvent.read(header: header, body: body) {
        case .unreadable(let why):
            metrics.recordWebhook(provider: provider, result: "bad-request")
            return Self.json(.badRequest, ["error": why])
        case .otherEvent(let provider, let event):
            metrics.recordWebhook(provider: provider, result: "ignored")
            return Self.json(.ok, ["ignored": "\(provider) event \(event) is not a push"])
        case .push(let push):
            guard push.branch == branch else {
                metrics.recordWebhook(provider: push.provider, result: "ignored")
                logger.info("webhook ignored", metadata: ["provider": "\(push.provider)", "branch": "\(push.branch ?? "(not a branch)")"])
                return Self.json(.accepted, ["ignored": "push to \(push.branch ?? "a ref that is not a branch"), not \(branch)"])
            }
            metrics.recordWebhook(provider: push.provider, result: "triggered")
            logger.info("webhook", metadata: ["provider": "\(push.provider)", "revision": "\(push.revision ?? "?")"])
            controller.requestSync(.webhook(provider: push.provider, revision: push.revision))
            return Self.json(.accepted, ["triggered": "sync of \(branch)", "revision": push.revision ?? ""])
        }
    }

    static func json(_ status: HTTPResponse.Status, _ object: [String: String]) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        return Response(
            status: status, headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: String(decoding: data, as: UTF8.self) + "\n")))
    }
}
