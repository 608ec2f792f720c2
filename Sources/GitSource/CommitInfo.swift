public import Foundation

/// What a commit says about itself, copied out of libgit2.
public struct CommitInfo: Sendable, Hashable, Codable {
    /// The full 40-character hexadecimal object id.
    public var sha: String
    /// The author's name.
    public var authorName: String
    /// The author's e-mail address.
    public var authorEmail: String
    /// When the author made the commit.
    public var time: Date
    /// The whole commit message.
    public var message: String

    /// The first line of the message.
    public var summary: String {
        String(message.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
    }

    /// The first 12 characters of the sha, as people quote it.
    public var shortSHA: String { String(sha.prefix(12)) }

    public init(sha: String, authorName: String, authorEmail: String, time: Date, message: String) {
        self.sha = sha
        self.authorName = authorName
        self.authorEmail = authorEmail
        self.time = time
        self.message = message
    }
}
