internal import CLibgit2

/// The state of one clone or fetch, shared with libgit2's C callbacks through their payload
/// pointer. Used by the one thread running the transfer; keep it alive (withExtendedLifetime)
/// for as long as libgit2 may call back.
final class TransferSession {
    /// libgit2 asks again after the remote refuses a credential: one retry, then give up,
    /// otherwise a refused token loops forever.
    static let maximumCredentialRequests = 2

    /// The remote's URL as configured (may carry user info; redact before showing).
    let url: String
    let deadline: Deadline
    private let credentials: GitCredentials

    private var credentialRequests = 0
    private var passedDeadline = false
    private var credentialProblem: String?
    private(set) var updatedRefs: [FetchSummary.RefUpdate] = []

    init(url: String, deadline: Deadline, credentials: GitCredentials) {
        self.url = url
        self.deadline = deadline
        self.credentials = credentials
    }

    /// Callbacks whose payload is this session.
    func callbacks() throws(GitError) -> git_remote_callbacks {
        var callbacks = git_remote_callbacks()
        try check(git_remote_init_callbacks(&callbacks, UInt32(GIT_REMOTE_CALLBACKS_VERSION)), "git_remote_init_callbacks")
        callbacks.payload = Unmanaged.passUnretained(self).toOpaque()
        // libgit2 1.5 has no socket timeouts: every callback is a chance to abandon the transfer
        // once the deadline has passed. A silent server calls none of them, which is why the
        // caller also stops waiting at the deadline (see NetworkThread).
        callbacks.remote_ready = { _, _, payload in TransferSession.from(payload).continueUnlessLate() }
        callbacks.sideband_progress = { _, _, payload in TransferSession.from(payload).continueUnlessLate() }
        callbacks.transfer_progress = { _, payload in TransferSession.from(payload).continueUnlessLate() }
        callbacks.update_tips = { name, old, new, payload in
            TransferSession.from(payload).record(name: name, old: old, new: new)
            return 0  // objects are in by now: let the refs land even when late
        }
        callbacks.credentials = { out, _, usernameFromURL, allowedTypes, payload in
            TransferSession.from(payload).credential(out, usernameFromURL: usernameFromURL, allowedTypes: allowedTypes)
        }
        return callbacks
    }

    /// The user-facing error for a failed transfer, read from what the callbacks saw first.
    func error(for failure: Libgit2Failure, operation: String) -> GitError {
        if passedDeadline || deadline.hasPassed { return .timedOut(operation: operation, seconds: deadline.seconds) }
        let shownURL = RemoteURL.redacted(url)
        if let credentialProblem { return .authenticationFailed(url: shownURL, detail: credentialProblem) }
        let detail = credentials.scrubbed(failure.message, url: url)
        if failure.code == GIT_EAUTH.rawValue
            || (credentialRequests > 0 && failure.errorClass == Int32(GIT_ERROR_SSH.rawValue))
        {
            return .authenticationFailed(url: shownURL, detail: detail)
        }
        if failure.code == GIT_ECERTIFICATE.rawValue {
            return .network(url: shownURL, detail: "the server's certificate is not trusted (\(detail))")
        }
        return .network(url: shownURL, detail: detail)
    }

    // MARK: Callbacks

    private static func from(_ payload: UnsafeMutableRawPointer?) -> TransferSession {
        Unmanaged<TransferSession>.fromOpaque(payload!).takeUnretainedValue()
    }

    private func continueUnlessLate() -> Int32 {
        guard deadline.hasPassed else { return 0 }
        passedDeadline = true
        return GIT_EUSER.rawValue
    }

    private func record(name: UnsafePointer<CChar>?, old: UnsafePointer<git_oid>?, new: UnsafePointer<git_oid>?) {
        func sha(_ id: UnsafePointer<git_oid>?) -> String? {
            guard let id, git_oid_is_zero(id) == 0 else { return nil }
            return hex(id)
        }
        updatedRefs.append(.init(name: string(name), oldSHA: sha(old), newSHA: sha(new)))
    }

    private func credential(
        _ out: UnsafeMutablePointer<UnsafeMutablePointer<git_credential>?>?, usernameFromURL: UnsafePointer<CChar>?, allowedTypes: UInt32
    ) -> Int32 {
        guard let out, continueUnlessLate() == 0 else { return GIT_EUSER.rawValue }
        let userInURL = usernameFromURL.map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 }
        func allows(_ type: git_credential_t) -> Bool { allowedTypes & type.rawValue != 0 }

        // ssh asks for the user name first when the URL has none; that is not an attempt.
        if allows(GIT_CREDENTIAL_USERNAME) { return git_credential_username_new(out, userInURL ?? "git") }
        credentialRequests += 1
        guard credentialRequests <= Self.maximumCredentialRequests else {
            credentialProblem = "the remote refused the credentials offered"
            return GIT_EUSER.rawValue
        }
        if allows(GIT_CREDENTIAL_SSH_KEY) {
            return git_credential_ssh_key_from_agent(out, userInURL ?? "git")
        }
        if allows(GIT_CREDENTIAL_USERPASS_PLAINTEXT), let token = credentials.token {
            let username = credentials.username ?? userInURL ?? "x-access-token"
            return git_credential_userpass_plaintext_new(out, username, token)
        }
        credentialProblem =
            "the remote asks for credentials and none are configured: set \(GitCredentials.tokenVariable) "
            + "(and \(GitCredentials.usernameVariable) if needed) for https, or load a key into ssh-agent for ssh"
        return GIT_EUSER.rawValue
    }
}
