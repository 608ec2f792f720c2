import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `mlgitops sync` as users run it: a real remote (a bare repository as `file://`, and the same
/// over HTTP through `git http-backend`), real pushes, the built binary.
@Suite("sync follows a branch", .serialized)
struct SyncEndToEndTests {
    /// A work repository with the fixture committed, and a bare remote it pushes to.
    final class Remote: @unchecked Sendable {
        let work: ScratchRepository
        let bare: String
        var shas: [String] = []

        init(function: String = #function) throws {
            work = try ScratchRepository(function: function)
            try MLRepositoryFixture.write(into: work)
            shas.append(try work.commitAll("initial"))
            bare = try work.bareClone(at: work.path + "-remote.git")
        }

        deinit { try? FileManager.default.removeItem(atPath: bare) }

        /// Commits `files` and pushes; returns the sha.
        @discardableResult
        func push(_ message: String, _ files: [String: String]) throws -> String {
            for (path, content) in files { try work.write(path, content) }
            let sha = try work.commitAll(message)
            try work.push(to: bare)
            shas.append(sha)
            return sha
        }
    }

    static func cluster(_ name: String) -> String {
        "name: \(name)\ntype: amlcompute\nsize: Standard_DS3_v2\nmin_instances: 0\nmax_instances: 2\n"
    }

    static func ticks(_ output: String) -> [[String: Any]] {
        output.split(separator: "\n").compactMap {
            (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any]
        }
    }

    static func history(_ state: String) async throws -> [[String: Any]] {
        let (result, document) = try await MLGitOpsBinary.json(["history", "--state", state, "--limit", "100"], in: state)
        #expect(result.status == 0, "\(result.output)")
        return document["reconciles"] as? [[String: Any]] ?? []
    }

    /// Three pushes, one `sync --once` after each (and one more with nothing new): each commit
    /// is applied once, in order, and recorded with the trigger `sync`.
    func followsThreeCommits(url: String, remote: Remote, state: ScratchDirectory) async throws {
        func once() async throws -> [String: Any] {
            let result = try await MLGitOpsBinary.run(
                ["sync", "--repo", url, "--branch", "main", "--path", "ml", "--state", state.path, "--once", "--output", "json"],
                in: state.path)
            #expect(result.status == 0, "\(result.output)")
            let ticks = Self.ticks(result.stdout)
            #expect(ticks.count == 1, "\(result.output)")
            return ticks.first ?? [:]
        }
        let first = try await once()
        #expect(first["outcome"] as? String == "applied")
        #expect(first["revision"] as? String == remote.shas[0])

        let idle = try await once()
        #expect(idle["outcome"] as? String == "unchanged", "a tick with no new commit does no plan")
        #expect((idle["actions"] as? [String: Any])?.isEmpty == true)
        #expect(try await Self.history(state.path).count == 1)

        try remote.push("add a GPU cluster", ["ml/clusters/gpu.yml": Self.cluster("gpu-cluster")])
        let second = try await once()
        #expect(second["outcome"] as? String == "applied")
        #expect(second["revision"] as? String == remote.shas[1])
        #expect((second["actions"] as? [String: Int])?["create"] == 1)

        try remote.push("add an inference cluster", ["ml/clusters/infer.yml": Self.cluster("infer-cluster")])
        let third = try await once()
        #expect(third["outcome"] as? String == "applied")
        #expect(third["revision"] as? String == remote.shas[2])
        #expect((third["actions"] as? [String: Int])?["create"] == 1)

        try remote.push("remove the inference cluster file only from the README", ["README.md": "notes\n"])
        let fourth = try await once()
        #expect(fourth["outcome"] as? String == "applied")
        #expect(fourth["changedPaths"] as? Int == 1)

        let history = try await Self.history(state.path)
        #expect(history.compactMap { $0["revision"] as? String } == remote.shas.reversed())
        #expect(history.allSatisfy { $0["trigger"] as? String == "sync" })
        #expect(history.allSatisfy { $0["status"] as? String == "succeeded" })
        let created = history.reversed().map { record in
            ((record["results"] as? [[String: Any]]) ?? []).filter { $0["verb"] as? String == "create" }
                .compactMap { $0["resource"] as? String }
        }
        #expect(created[1] == ["compute/gpu-cluster"])
        #expect(created[2] == ["compute/infer-cluster"])
        #expect(created[3].isEmpty)
    }

    @Test func appliesEachCommitOfAFileRemoteOnceInOrder() async throws {
        let remote = try Remote()
        let state = try ScratchDirectory()
        try await followsThreeCommits(url: "file://" + remote.bare, remote: remote, state: state)
    }

    /// Python's CGI server (used to serve `git http-backend`) left the standard library in 3.13.
    static let canServeGitOverHTTP: Bool = {
        (try? ScratchRepository.run(["python3", "-c", "import http.server; http.server.CGIHTTPRequestHandler"], in: "/")) != nil
            && FileManager.default.isExecutableFile(atPath: "/usr/lib/git-core/git-http-backend")
    }()

    @Test(.enabled(if: canServeGitOverHTTP, "needs python3 < 3.13 (CGIHTTPRequestHandler) and git-http-backend"))
    func appliesEachCommitOfAnHTTPRemoteOnceInOrder() async throws {
        let remote = try Remote()
        let server = try GitHTTPServer(serving: remote.bare)
        defer { server.stop() }
        let port = try await server.port()
        let state = try ScratchDirectory()
        try await followsThreeCommits(url: "http://127.0.0.1:\(port)/git/backend/remote.git", remote: remote, state: state)
    }

    @Test func driftIsReportedAndRepairedOnlyWithSelfHeal() async throws {
        let remote = try Remote()
        try remote.push("a GPU cluster", ["ml/clusters/gpu.yml": Self.cluster("gpu-cluster")])
        let state = try ScratchDirectory()
        let url = "file://" + remote.bare
        func sync(_ extra: [String]) async throws -> [String: Any] {
            let result = try await MLGitOpsBinary.run(
                ["sync", "--repo", url, "--path", "ml", "--state", state.path, "--once", "--output", "json"] + extra,
                in: state.path)
            #expect(result.status == 0, "\(result.output)")
            return Self.ticks(result.stdout).first ?? [:]
        }
        func status() async throws -> [String: Any] {
            let (result, document) = try await MLGitOpsBinary.json(["status", "--state", state.path], in: state.path)
            #expect(result.status == 0, "\(result.output)")
            return document["current"] as? [String: Any] ?? [:]
        }
        func admin(_ arguments: [String]) async throws {
            let result = try await MLGitOpsBinary.run(["workspace"] + arguments + ["--state", state.path], in: state.path)
            #expect(result.status == 0, "\(result.output)")
        }
        #expect(try await sync([])["outcome"] as? String == "applied")
        let environments = (try await status()["environments"] as? [[String: Any]] ?? [])
        let trainVersion = try #require(environments.first { $0["name"] as? String == "train-env" }?["version"] as? String)

        // A person in the portal: deletes a cluster, scales another, deletes an environment
        // version, places a lock.
        try await admin(["delete-cluster", "cpu-cluster"])
        try await admin(["scale-cluster", "gpu-cluster", "--max", "7"])
        try await admin(["delete-environment", "train-env", "--version", trainVersion])
        try await admin(["lock", "portal-lock", "--level", "CanNotDelete", "--scope", "compute/gpu-cluster"])
        let missing = try await MLGitOpsBinary.run(["workspace", "delete-cluster", "nope", "--state", state.path], in: state.path)
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("compute/nope does not exist"), "\(missing.output)")

        // No drift check due, no new commit: nothing is planned, the drift stays unseen.
        #expect(try await sync([])["outcome"] as? String == "unchanged")

        let historyBefore = try await Self.history(state.path).count
        let reported = try await sync(["--drift-interval", "0s"])
        #expect(reported["outcome"] as? String == "drift-checked")
        let drift = (reported["drift"] as? [[String: Any]] ?? [])
        let drifted = Set(drift.compactMap { $0["resource"] as? String })
        #expect(drifted == ["compute/cpu-cluster", "compute/gpu-cluster", "environment/train-env", "resource_lock/portal-lock"])
        #expect(drift.first { $0["resource"] as? String == "compute/gpu-cluster" }?["repairable"] as? Bool == false)
        #expect((reported["repaired"] as? [String])?.isEmpty == true)
        var current = try await status()
        #expect((current["clusters"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String } == ["gpu-cluster"])
        #expect(try await Self.history(state.path).count == historyBefore, "drift without --self-heal changes nothing")

        // A dry run with --self-heal reports and still changes nothing.
        let dry = try await sync(["--drift-interval", "0s", "--self-heal", "--dry-run"])
        #expect(dry["outcome"] as? String == "planned")
        current = try await status()
        #expect((current["clusters"] as? [[String: Any]] ?? []).count == 1)

        let healed = try await sync(["--drift-interval", "0s", "--self-heal"])
        #expect(healed["outcome"] as? String == "drift-checked")
        #expect(Set(healed["repaired"] as? [String] ?? []) == ["compute/cpu-cluster", "environment/train-env"])
        current = try await status()
        let clusters = current["clusters"] as? [[String: Any]] ?? []
        #expect(clusters.compactMap { $0["name"] as? String } == ["cpu-cluster", "gpu-cluster"])
        let gpu = clusters.first { $0["name"] as? String == "gpu-cluster" }
        #expect((gpu?["spec"] as? [String: Any])?["maxInstances"] as? Int == 7, "a create-only cluster is never modified")
        #expect((current["environments"] as? [[String: Any]] ?? []).contains { $0["name"] as? String == "train-env" })
        #expect((current["locks"] as? [[String: Any]] ?? []).count == 1, "an unmanaged lock is deleted only with --prune")
        let last = try #require(try await Self.history(state.path).first)
        #expect(last["trigger"] as? String == "sync")

        // Healed: the next drift check finds only what the rules keep reported.
        let after = try await sync(["--drift-interval", "0s", "--self-heal"])
        #expect(Set((after["drift"] as? [[String: Any]] ?? []).compactMap { $0["resource"] as? String })
            == ["compute/gpu-cluster", "resource_lock/portal-lock"])
    }

    /// The loop itself: a running `sync` with a short interval picks up each push on its own.
    @Test func aRunningSyncAppliesEachPushOnItsInterval() async throws {
        let remote = try Remote()
        let state = try ScratchDirectory()
        let sync = try BackgroundProcess(
            MLGitOpsBinary.path,
            ["sync", "--repo", "file://" + remote.bare, "--branch", "main", "--path", "ml", "--state", state.path,
             "--interval", "200ms", "--jitter", "0.5", "--output", "json"],
            in: state.path, environment: ["NO_COLOR": "1"])
        #expect(try await waitFor { try await Self.history(state.path).count == 1 }, "\(sync.stderr)")
        for name in ["gpu", "infer", "batch"] {
            let before = try await Self.history(state.path).count
            try remote.push("add \(name)", ["ml/clusters/\(name).yml": Self.cluster("\(name)-cluster")])
            #expect(try await waitFor { try await Self.history(state.path).count == before + 1 }, "\(sync.stderr)")
        }
        // Idle ticks after the last push plan nothing.
        let ticksBefore = Self.ticks(sync.stdout).count
        #expect(try await waitFor { Self.ticks(sync.stdout).count >= ticksBefore + 3 })
        #expect(await sync.stop(SIGTERM) == 0, "\(sync.stderr)")

        let history = try await Self.history(state.path)
        #expect(history.compactMap { $0["revision"] as? String } == remote.shas.reversed())
        #expect(history.allSatisfy { $0["trigger"] as? String == "sync" })
        let ticks = Self.ticks(sync.stdout)
        let applied = ticks.filter { $0["outcome"] as? String == "applied" }.compactMap { $0["revision"] as? String }
        #expect(applied == remote.shas, "each commit applied once, in order")
        #expect(ticks.filter { $0["outcome"] as? String != "applied" }.allSatisfy { $0["outcome"] as? String == "unchanged" })
        #expect(sync.stderr.contains("\"message\":\"sync stopped\""), "\(sync.stderr)")
    }

    /// SIGTERM while a fetch hangs on a silent remote: the tick is abandoned after the grace
    /// period and the process still exits 0, leaving nothing half-done.
    @Test func sigtermDuringAHungFetchExitsZero() async throws {
        let silent = try SilentListener()
        let state = try ScratchDirectory()
        let sync = try BackgroundProcess(
            MLGitOpsBinary.path,
            ["sync", "--repo", "http://127.0.0.1:\(silent.port)/repo.git", "--state", state.path,
             "--fetch-timeout", "120s", "--stop-grace", "1s"],
            in: state.path, environment: ["NO_COLOR": "1"])
        #expect(try await waitFor { sync.stderr.contains("sync started") }, "\(sync.stderr)")
        try await Task.sleep(for: .milliseconds(500))
        #expect(await sync.stop(SIGTERM) == 0, "\(sync.stderr)")
        #expect(sync.stderr.contains("abandoned"), "\(sync.stderr)")
        let records = try await Self.history(state.path)
        #expect(records.isEmpty, "nothing was applied")
    }

    @Test func webhooksTriggerASyncOnlyWithTheSecret() async throws {
        let remote = try Remote()
        let state = try ScratchDirectory()
        let secretFile = state.appending("webhook-secret")
        try "correct horse battery staple\n".write(toFile: secretFile, atomically: true, encoding: .utf8)
        let port = try FreePort.pick()
        let base = "http://127.0.0.1:\(port)"
        let sync = try BackgroundProcess(
            MLGitOpsBinary.path,
            ["sync", "--repo", "file://" + remote.bare, "--branch", "main", "--path", "ml", "--state", state.path,
             "--interval", "1h", "--listen", "127.0.0.1:\(port)", "--webhook-secret-file", secretFile, "--output", "json"],
            in: state.path, environment: ["NO_COLOR": "1"])
        #expect(try await LocalHTTP.waitUntilUp(base + "/healthz"), "\(sync.stderr)")
        #expect(try await waitFor { try await Self.history(state.path).count == 1 }, "\(sync.stderr)")

        let sha = try remote.push("add a GPU cluster", ["ml/clusters/gpu.yml": Self.cluster("gpu-cluster")])
        let payload = #"{"ref":"refs/heads/main","after":"\#(sha)"}"#
        let bad = try await LocalHTTP.request(
            "POST", base + "/webhook",
            headers: ["X-GitHub-Event": "push", "X-Hub-Signature-256": "sha256=" + String(repeating: "0", count: 64),
                      "Content-Type": "application/json"],
            body: payload)
        #expect(bad.status == 401, "\(bad.body)")
        let noSignature = try await LocalHTTP.request("POST", base + "/webhook", headers: ["X-GitHub-Event": "push"], body: payload)
        #expect(noSignature.status == 401)
        let wrongToken = try await LocalHTTP.request(
            "POST", base + "/webhook", headers: ["X-Gitlab-Event": "Push Hook", "X-Gitlab-Token": "guess"], body: payload)
        #expect(wrongToken.status == 401)

        let signature = try await Self.gitHubSignature(secret: "correct horse battery staple", body: payload)
        let good = try await LocalHTTP.request(
            "POST", base + "/webhook",
            headers: ["X-GitHub-Event": "push", "X-Hub-Signature-256": signature, "Content-Type": "application/json"],
            body: payload)
        #expect(good.status == 202, "\(good.body)")
        #expect(try await waitFor { try await Self.history(state.path).count == 2 }, "\(sync.stderr)")
        let newest = try #require(try await Self.history(state.path).first)
        #expect(newest["revision"] as? String == sha)
        #expect(newest["trigger"] as? String == "webhook")

        // GitLab's token and Azure DevOps' Basic password trigger too.
        let third = try remote.push("add an inference cluster", ["ml/clusters/infer.yml": Self.cluster("infer-cluster")])
        let gitlab = try await LocalHTTP.request(
            "POST", base + "/webhook", headers: ["X-Gitlab-Event": "Push Hook", "X-Gitlab-Token": "correct horse battery staple"],
            body: #"{"object_kind":"push","ref":"refs/heads/main","after":"\#(third)"}"#)
        #expect(gitlab.status == 202, "\(gitlab.body)")
        #expect(try await waitFor { try await Self.history(state.path).count == 3 }, "\(sync.stderr)")
        let fourth = try remote.push("add a batch cluster", ["ml/clusters/batch.yml": Self.cluster("batch-cluster")])
        let basic = "Basic " + Data("azure-devops:correct horse battery staple".utf8).base64EncodedString()
        let azure = try await LocalHTTP.request(
            "POST", base + "/webhook", headers: ["Authorization": basic, "Content-Type": "application/json"],
            body: #"{"eventType":"git.push","resource":{"refUpdates":[{"name":"refs/heads/main","newObjectId":"\#(fourth)"}]}}"#)
        #expect(azure.status == 202, "\(azure.body)")
        #expect(try await waitFor { try await Self.history(state.path).count == 4 }, "\(sync.stderr)")
        let webhookRevisions = try await Self.history(state.path).prefix(3).compactMap { $0["revision"] as? String }
        #expect(webhookRevisions == [fourth, third, sha])

        let otherBranch = try await LocalHTTP.request(
            "POST", base + "/webhook", headers: ["X-Gitlab-Event": "Push Hook", "X-Gitlab-Token": "correct horse battery staple"],
            body: #"{"ref":"refs/heads/feature","after":"abc"}"#)
        #expect(otherBranch.status == 202)
        #expect(otherBranch.body.contains("ignored"))

        let metrics = try await LocalHTTP.request("GET", base + "/metrics")
        #expect(metrics.status == 200)
        // The start and the three good webhooks: the refused deliveries triggered nothing.
        let tickCount = metrics.body.split(separator: "\n").filter { $0.hasPrefix("mlgitops_sync_ticks_total{") }
            .compactMap { Double($0.split(separator: " ").last ?? "") }.reduce(0, +)
        #expect(tickCount == 4, "\(metrics.body)")
        #expect(metrics.body.contains("mlgitops_webhooks_total{provider=\"github\",result=\"unauthorized\"} 2"))
        #expect(metrics.body.contains("mlgitops_webhooks_total{provider=\"gitlab\",result=\"unauthorized\"} 1"))
        #expect(metrics.body.contains("mlgitops_webhooks_total{provider=\"github\",result=\"triggered\"} 1"))
        #expect(metrics.body.contains("mlgitops_webhooks_total{provider=\"gitlab\",result=\"ignored\"} 1"))
        #expect(metrics.body.contains("mlgitops_webhooks_total{provider=\"gitlab\",result=\"triggered\"} 1"))
        #expect(metrics.body.contains("mlgitops_webhooks_total{provider=\"azure-devops\",result=\"triggered\"} 1"))
        #expect(metrics.body.contains("mlgitops_last_applied_revision_info{revision=\"\(fourth)\"} 1"))
        #expect(metrics.body.contains("mlgitops_reconciles_total{status=\"succeeded\",trigger=\"webhook\"} 3"))

        let status = await sync.stop(SIGTERM)
        #expect(status == 0, "\(sync.stderr)")
        #expect(!sync.stderr.contains("correct horse"), "the secret is never logged")
        // Logs are JSON lines when standard error is not a terminal.
        let logLines = sync.stderr.split(separator: "\n")
        #expect(!logLines.isEmpty)
        #expect(logLines.allSatisfy { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) is [String: Any] }, "\(sync.stderr)")
        #expect(Self.ticks(sync.stdout).count == 4)
    }

    @Test func aTakenPortOrAMissingSecretStopsBeforeAnythingIsApplied() async throws {
        let remote = try Remote()
        let state = try ScratchDirectory()
        let taken = try SilentListener()
        let secretFile = state.appending("secret")
        try "s".write(toFile: secretFile, atomically: true, encoding: .utf8)
        let busy = try await MLGitOpsBinary.run(
            ["sync", "--repo", "file://" + remote.bare, "--path", "ml", "--state", state.path, "--once",
             "--listen", "127.0.0.1:\(taken.port)", "--webhook-secret-file", secretFile], in: state.path)
        #expect(busy.status == 1, "\(busy.output)")
        #expect(busy.stderr.contains("cannot listen on 127.0.0.1:\(taken.port)"), "\(busy.output)")
        #expect(try await Self.history(state.path).isEmpty)

        let fresh = state.appending("fresh")
        let noSecret = try await MLGitOpsBinary.run(
            ["sync", "--repo", "file://" + remote.bare, "--state", fresh, "--once",
             "--listen", "127.0.0.1:1", "--webhook-secret-file", state.appending("missing")], in: state.path)
        #expect(noSecret.status != 0)
        #expect(noSecret.stderr.contains("webhook secret file"), "\(noSecret.output)")
        #expect(!FileManager.default.fileExists(atPath: fresh), "bad options create no state")
    }

    @Test func anUnreachableRemoteIsAFailedTickNotACrash() async throws {
        let state = try ScratchDirectory()
        let result = try await MLGitOpsBinary.run(
            ["sync", "--repo", "file:///nonexistent/remote.git", "--state", state.path, "--once", "--output", "json"],
            in: state.path)
        #expect(result.status == 1, "\(result.output)")
        let tick = try #require(Self.ticks(result.stdout).first)
        #expect(tick["outcome"] as? String == "fetch-failed")
        #expect((tick["message"] as? String)?.contains("nonexistent") == true, "\(result.output)")
        #expect(result.stderr.contains("\"level\":\"error\""), "\(result.stderr)")
    }

    /// Polls `condition` every 200 ms for up to 60 s.
    func waitFor(_ condition: () async throws -> Bool) async throws -> Bool {
        let end = Date().addingTimeInterval(60)
        while Date() < end {
            if try await condition() { return true }
            try await Task.sleep(for: .milliseconds(200))
        }
        return false
    }

    /// GitHub's signature header for `body`, computed by openssl (independent of our HMAC).
    static func gitHubSignature(secret: String, body: String) async throws -> String {
        let directory = try ScratchDirectory()
        let file = directory.appending("body")
        try body.write(toFile: file, atomically: true, encoding: .utf8)
        let result = try await ChildProcess.run(
            "/usr/bin/openssl", ["dgst", "-sha256", "-hmac", secret, "-r", file], in: directory.path)
        let hex = result.stdout.split(separator: " ").first.map(String.init) ?? ""
        return "sha256=" + hex
    }
}

/// `git http-backend` behind Python's CGI server on 127.0.0.1: a smart-HTTP git remote.
///
/// The server is started detached (through `sh`), so it outlives no wait of the test, and it
/// closes every descriptor it inherited first.
final class GitHTTPServer: @unchecked Sendable {
    let root: ScratchDirectory
    let pid: Int32

    static let script = """
        import http.server, os, sys
        # Descriptors inherited from the test (Foundation watches its children through a
        # socket each holds): keeping one would hide that child's exit from the test.
        os.closerange(3, 65536)
        root = sys.argv[1]
        os.makedirs(os.path.join(root, "git"), exist_ok=True)
        link = os.path.join(root, "git", "backend")
        if not os.path.exists(link):
            os.symlink("/usr/lib/git-core/git-http-backend", link)
        os.chdir(root)
        os.environ["GIT_PROJECT_ROOT"] = root
        os.environ["GIT_HTTP_EXPORT_ALL"] = "1"
        # The CGI handler would run the backend as `nobody`, which git refuses for a repository
        # owned by the test's user.
        http.server.nobody_uid = lambda: os.getuid()
        class Handler(http.server.CGIHTTPRequestHandler):
            cgi_directories = ["/git"]
            def log_message(self, *args):
                pass
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        with open(os.path.join(root, "port"), "w") as f:
            f.write(str(server.server_address[1]))
        server.serve_forever()
        """

    /// Serves the bare repository `bare` as `/git/backend/remote.git`.
    init(serving bare: String) throws {
        root = try ScratchDirectory()
        try FileManager.default.createSymbolicLink(atPath: root.appending("remote.git"), withDestinationPath: bare)
        let script = root.appending("serve.py")
        try Self.script.write(toFile: script, atomically: true, encoding: .utf8)
        let output = try ScratchRepository.run(
            ["sh", "-c", "python3 -W ignore \"$0\" \"$1\" </dev/null >\"$1/log\" 2>&1 & echo $!", script, root.path],
            in: root.path)
        pid = Int32(output.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
    }

    /// The port, once the server wrote it.
    func port() async throws -> Int {
        let end = Date().addingTimeInterval(30)
        while Date() < end {
            if let text = try? String(contentsOfFile: root.appending("port"), encoding: .utf8), let port = Int(text) {
                return port
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw ServerDidNotStart(stderr: (try? String(contentsOfFile: root.appending("log"), encoding: .utf8)) ?? "")
    }

    func stop() {
        if pid > 0 { kill(pid, SIGKILL) }
    }
}

/// A TCP listener on 127.0.0.1 that never accepts nor answers: a remote that hangs.
final class SilentListener: @unchecked Sendable {
    let socket: Int32
    let port: Int

    init() throws {
        socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let socket = socket
        let ok = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(socket, $0, length) == 0 && listen(socket, 16) == 0 && getsockname(socket, $0, &length) == 0
            }
        }
        guard ok else { throw POSIXError(.EADDRNOTAVAIL) }
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    deinit { close(socket) }
}

/// The git HTTP server printed no port.
struct ServerDidNotStart: Error, CustomStringConvertible {
    var stderr: String
    var description: String { "the git HTTP server did not start: \(stderr)" }
}
