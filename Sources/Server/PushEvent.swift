import Foundation

/// A push announced by a git host's webhook: which provider, which branch, which commit.
struct PushEvent: Sendable, Equatable {
    /// `github`, `gitlab` or `azure-devops`.
    var provider: String
    /// The branch pushed, without `refs/heads/` (nil for a tag or another ref).
    var branch: String?
    /// The commit the branch now points at, when the payload says.
    var revision: String?

    /// What a delivery is, read from its headers and body.
    enum Reading: Sendable, Equatable {
        case push(PushEvent)
        /// A delivery that is not a push (GitHub's `ping`, a merge-request event, ...).
        case otherEvent(provider: String, event: String)
        /// Not a payload we understand.
        case unreadable(String)
    }

    /// Reads a delivery. `header` looks a header up by name (case-insensitively).
    static func read(header: (String) -> String?, body: [UInt8]) -> Reading {
        let json = (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any]
        if let event = header("X-GitHub-Event") {
            guard event == "push" else { return .otherEvent(provider: "github", event: event) }
            guard let json else { return .unreadable("the GitHub push body is not a JSON object") }
            return .push(PushEvent(provider: "github", branch: branch(json["ref"] as? String), revision: json["after"] as? String))
        }
        if let event = header("X-Gitlab-Event") {
            guard event == "Push Hook" else { return .otherEvent(provider: "gitlab", event: event) }
            guard let json else { return .unreadable("the GitLab push body is not a JSON object") }
            return .push(PushEvent(provider: "gitlab", branch: branch(json["ref"] as? String), revision: json["after"] as? String))
        }
        guard let json else { return .unreadable("the body is not a JSON object") }
        if let eventType = json["eventType"] as? String {
            guard eventType == "git.push" else { return .otherEvent(provider: "azure-devops", event: eventType) }
            let resource = json["resource"] as? [String: Any]
            let update = (resource?["refUpdates"] as? [[String: Any]])?.first
            return .push(PushEvent(
                provider: "azure-devops", branch: branch(update?["name"] as? String), revision: update?["newObjectId"] as? String))
        }
        return .unreadable("no X-GitHub-Event or X-Gitlab-Event header and no Azure DevOps eventType")
    }

    private static func branch(_ ref: String?) -> String? {
        guard let ref, ref.hasPrefix("refs/heads/") else { return nil }
        return String(ref.dropFirst("refs/heads/".count))
    }
}
