import Foundation

/// The credentials offered to remotes, read from the environment so that no secret ever sits in
/// a config file, a URL we store, a log line or an error message.
///
/// - `MLGITOPS_GIT_TOKEN`: an https token (GitHub, Azure DevOps PAT, Entra ID token), sent as the
///   password of a user/password pair.
/// - `MLGITOPS_GIT_USERNAME`: the user name sent with the token; otherwise the URL's user name,
///   otherwise `x-access-token` (what GitHub expects with a token).
/// - ssh URLs authenticate through the running ssh-agent (`SSH_AUTH_SOCK`).
struct GitCredentials: Sendable, CustomStringConvertible {
    /// The environment variable holding the https token.
    static let tokenVariable = "MLGITOPS_GIT_TOKEN"
    /// The environment variable holding the user name sent with the token.
    static let usernameVariable = "MLGITOPS_GIT_USERNAME"

    let token: String?
    let username: String?

    /// Reads the credentials from an environment (the process's by default).
    static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> GitCredentials {
        GitCredentials(
            token: environment[tokenVariable].flatMap { $0.isEmpty ? nil : $0 },
            username: environment[usernameVariable].flatMap { $0.isEmpty ? nil : $0 })
    }

    /// Never shows the token, even when the value is printed by accident.
    var description: String { "GitCredentials(token: \(token == nil ? "unset" : "set"), username: \(username ?? "default"))" }

    /// `text` with the token and any password embedded in `url` masked, for error messages.
    func scrubbed(_ text: String, url: String) -> String {
        var text = text.replacingOccurrences(of: url, with: RemoteURL.redacted(url))
        if let token, !token.isEmpty { text = text.replacingOccurrences(of: token, with: "***") }
        return text
    }
}

/// Helpers for remote URLs as users write them (`https://`, `ssh://`, `git@host:path`, paths).
enum RemoteURL {
    /// The URL with the password of its user info (if any) masked: `https://u:***@host/x`.
    static func redacted(_ url: String) -> String {
        guard let schemeEnd = url.range(of: "://") else { return url }
        let authorityEnd = url[schemeEnd.upperBound...].firstIndex(of: "/") ?? url.endIndex
        let authority = url[schemeEnd.upperBound..<authorityEnd]
        guard let at = authority.lastIndex(of: "@"), let colon = authority[..<at].firstIndex(of: ":") else {
            return url
        }
        return String(url[..<url.index(after: colon)]) + "***" + String(url[at...])
    }
}
