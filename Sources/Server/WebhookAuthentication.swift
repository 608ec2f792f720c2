import Foundation

/// Checks that a webhook delivery comes from someone who knows the shared secret:
///
/// - GitHub: `X-Hub-Signature-256: sha256=<HMAC-SHA256 of the body under the secret>`;
/// - GitLab: `X-Gitlab-Token: <secret>`;
/// - Azure DevOps: HTTP Basic authentication whose password is the secret (any user name).
///
/// Every comparison takes constant time. A delivery with none of these is refused.
struct WebhookAuthentication: Sendable {
    /// The shared secret's bytes (never logged, never echoed).
    let secret: [UInt8]

    /// Why a delivery was refused.
    enum Refusal: Error, Equatable {
        case missing
        case mismatch(String)

        var message: String {
            switch self {
            case .missing:
                "no X-Hub-Signature-256, X-Gitlab-Token or Basic authorization: configure the webhook with the shared secret"
            case .mismatch(let what): "the \(what) does not match the shared secret"
            }
        }
    }

    /// Reads the secret from `path`: its content less a trailing newline; it must not be empty.
    static func load(from path: String) throws -> WebhookAuthentication {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ServerError.secretUnreadable(path: path, detail: "the file cannot be read")
        }
        var text = String(decoding: data, as: UTF8.self)
        while text.hasSuffix("\n") || text.hasSuffix("\r") { text.removeLast() }
        guard !text.isEmpty else { throw ServerError.secretUnreadable(path: path, detail: "the file is empty") }
        return WebhookAuthentication(secret: Array(text.utf8))
    }

    /// Verifies a delivery; `header` looks a header up by name.
    func verify(header: (String) -> String?, body: [UInt8]) -> Result<Void, Refusal> {
        if let signature = header("X-Hub-Signature-256") {
            let expected = WebhookSignature.gitHubHeader(secret: secret, body: body)
            return WebhookSignature.constantTimeEqual(Array(signature.lowercased().utf8), Array(expected.utf8))
                ? .success(()) : .failure(.mismatch("X-Hub-Signature-256 signature"))
        }
        if let token = header("X-Gitlab-Token") {
            return WebhookSignature.constantTimeEqual(Array(token.utf8), secret)
                ? .success(()) : .failure(.mismatch("X-Gitlab-Token"))
        }
        if let authorization = header("Authorization"), authorization.lowercased().hasPrefix("basic ") {
            let encoded = String(authorization.dropFirst(6)).trimmingCharacters(in: .whitespaces)
            guard let decoded = Data(base64Encoded: encoded), let colon = decoded.firstIndex(of: UInt8(ascii: ":")) else {
                return .failure(.mismatch("Basic authorization"))
            }
            let password = Array(decoded[decoded.index(after: colon)...])
            return WebhookSignature.constantTimeEqual(password, secret)
                ? .success(()) : .failure(.mismatch("Basic authorization password"))
        }
        return .failure(.missing)
    }
}

/// A failure to start the server.
public enum ServerError: Error, CustomStringConvertible, Equatable {
    /// `--webhook-secret-file` cannot be used.
    case secretUnreadable(path: String, detail: String)
    /// `--listen` is not `HOST:PORT`.
    case badAddress(String)
    /// The listener could not be opened (the port is taken, the host is not local...).
    case cannotListen(address: String, detail: String)

    public var description: String {
        switch self {
        case .secretUnreadable(let path, let detail):
            "the webhook secret file \(path) cannot be used: \(detail); write the shared secret into it (one line)"
        case .badAddress(let text):
            "--listen \(text) is not HOST:PORT (e.g. 127.0.0.1:8080)"
        case .cannotListen(let address, let detail):
            "cannot listen on \(address): \(detail); choose a free port or a local address (nothing was applied)"
        }
    }
}
