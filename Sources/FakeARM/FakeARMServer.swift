import Foundation
public import Hummingbird
import Logging
import NIOCore

/// A request context that keeps the connection, so a fault can reset it.
public struct FakeARMContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    let channel: any Channel
    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
    }
    public var maxUploadSize: Int { 16 * 1024 * 1024 }
}

/// Why a reset fault ended a request (the connection is already closed).
struct InjectedReset: Error {}

/// Answers every request through ``FakeAzure``.
struct FakeARMResponder: HTTPResponder {
    let azure: FakeAzure

    func respond(to request: Request, context: FakeARMContext) async throws -> Response {
        var body = try await request.body.collect(upTo: context.maxUploadSize)
        let bytes = body.readData(length: body.readableBytes) ?? Data()
        var headers: [String: String] = [:]
        for field in request.headers { headers[field.name.canonicalName.lowercased()] = field.value }
        let path = request.uri.path.removingPercentEncoding ?? request.uri.path
        let base = "http://\(request.head.authority ?? headers["host"] ?? "127.0.0.1")"
        let fake = FakeRequest(
            method: request.method.rawValue, path: path, query: request.uri.query ?? "", headers: headers, body: bytes, base: base)
        let answer = await azure.handle(fake)
        switch answer.delivery {
        case .reset:
            try? await context.channel.close()
            throw InjectedReset()
        case .slow(let milliseconds):
            try await Task.sleep(for: .milliseconds(milliseconds))
        case .normal:
            break
        }
        var fields = HTTPFields()
        for (name, value) in answer.headers {
            if let field = HTTPFields.Element.Name(name) { fields.append(HTTPFields.Element(name: field, value: value)) }
        }
        let buffer = ByteBuffer(data: answer.body ?? Data())
        return Response(status: .init(code: answer.status), headers: fields, body: .init(byteBuffer: buffer))
    }
}

/// The fake ARM server: ``FakeAzure`` behind Hummingbird on loopback.
public struct FakeARMServer: Sendable {
    public let configuration: FakeARMConfiguration
    public let azure: FakeAzure

    public init(configuration: FakeARMConfiguration) {
        self.configuration = configuration
        azure = FakeAzure(configuration: configuration)
    }

    /// Serves until the task is cancelled; `onListening` gets the bound port.
    public func run(onListening: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        var logger = Logger(label: "mlgitops-fake-arm")
        logger.logLevel = .critical
        let app = Application(
            responder: FakeARMResponder(azure: azure),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "mlgitops-fake-arm"),
            onServerRunning: { channel in await onListening(channel.localAddress?.port ?? 0) },
            logger: logger)
        try await app.runService()
    }
}
