import ArgumentParser
import Controller
import Dispatch
import EmbeddedWorkspace
import Foundation
import Logging
import Planning
import Reconciliation
import Rendering
import Server

#if canImport(Glibc)
    import Glibc
#endif

extension MLGitOps {
    /// `mlgitops sync`: the controller. Follows a branch and applies what it changes.
    struct Sync: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "sync",
            abstract: "Follow a branch: apply each new commit, check for drift, serve webhooks and metrics.",
            discussion: """
                Every --interval (with jitter) the branch is fetched through libgit2 into \
                <state>/git-cache (with a deadline); when its head did not move and no drift check \
                is due, nothing is planned. A new commit is planned and applied (only what it \
                changed); every --drift-interval a full plan reports changes made outside git, \
                repaired only with --self-heal. SIGTERM finishes the current tick and exits 0. \
                See docs/sync.md.
                """)

        @Option(name: .long, help: "A remote URL to mirror (https://, file://, ssh) or a local repository.")
        var repo: String = "."

        @Option(name: .long, help: "The branch to follow.")
        var branch: String = "main"

        @Option(name: .long, help: "The folder of the repository that holds the manifests.")
        var path: String = "."

        @OptionGroup var state: StateOptions
        @OptionGroup var output: OutputOptions

        @Option(name: .long, help: "How long a tick waits, in seconds, for another process's apply on this state to end before it gives up until the next tick.")
        var leaseWait: Double = 30

        @Option(name: .long, help: "Time between two fetches: 30s, 5m, 1h.")
        var interval: String = "60s"

        @Option(name: .long, help: "Each wait is the interval times a random factor in 1 ± this (0 to 0.5).")
        var jitter: Double = 0.1

        @Option(name: .long, help: "Time between two full drift checks (0s: on every tick).")
        var driftInterval: String = "10m"

        @Option(name: .long, help: "Deadline of one fetch.")
        var fetchTimeout: String = "60s"

        @Flag(name: .long, help: "One tick, then exit (for CI and tests); exit 1 if it failed.")
        var once = false

        @Flag(name: .long, help: "Report what would be applied and any drift; never apply.")
        var dryRun = false

        @Flag(name: .long, help: "Repair drift that the rules allow (never modifies a create-only cluster).")
        var selfHeal = false

        @Flag(name: .long, help: "Delete clusters, schedules, locks and quota policies that git no longer declares.")
        var prune = false

        @Flag(name: .long, help: "Apply min/max/idle changes of existing clusters in place (commits only, never self-heal).")
        var allowScaleUpdates = false

        @Flag(name: .long, help: "Replace clusters whose create-only fields changed in git. Destructive.")
        var allowReplace = false

        @Option(name: .long, help: "Serve POST /webhook, GET /healthz and GET /metrics at HOST:PORT.")
        var listen: String?

        @Option(name: .long, help: "A file holding the webhooks' shared secret (GitHub HMAC, GitLab token, Azure DevOps password).")
        var webhookSecretFile: String?

        @Option(name: .long, help: "trace, debug, info, notice, warning, error or critical.")
        var logLevel: String = "info"

        @Option(name: .long, help: "After SIGTERM, how long the current tick may take before it is abandoned.")
        var stopGrace: String = "30s"

        func validate() throws {
            for (flag, text) in [
                ("--interval", interval), ("--drift-interval", driftInterval), ("--fetch-timeout", fetchTimeout),
                ("--stop-grace", stopGrace),
            ] where Duration.parse(text) == nil {
                throw ValidationError("\(flag) \(text) is not a duration: write 30s, 5m, 1h or 250ms")
            }
            if Duration.parse(interval) == .zero { throw ValidationError("--interval must be longer than 0s") }
            guard Logger.Level(rawValue: logLevel) != nil else {
                throw ValidationError("--log-level \(logLevel) is not one of trace, debug, info, notice, warning, error, critical")
            }
            if !(0...0.5).contains(jitter) { throw ValidationError("--jitter must be between 0 and 0.5") }
            if webhookSecretFile != nil, listen == nil {
                throw ValidationError("--webhook-secret-file is only used with --listen HOST:PORT")
            }
            if let listen {
                do {
                    try SyncServer.check(address: listen, secretFile: webhookSecretFile)
                } catch {
                    throw ValidationError("\(error)")
                }
            }
        }

        func run() async throws {
            let level = Logger.Level(rawValue: logLevel) ?? .info
            LoggingSystem.bootstrap { label in LogLines(label: label, level: level) }
            let logger = Logger(label: "mlgitops.sync")
            let settings = SyncSettings(
                source: SyncSource.of(repo), branch: branch, path: path, stateDirectory: state.state,
                interval: Duration.parse(interval) ?? .seconds(60), jitter: jitter,
                driftInterval: Duration.parse(driftInterval) ?? .seconds(600),
                fetchTimeout: Duration.parse(fetchTimeout) ?? .seconds(60), dryRun: dryRun, selfHeal: selfHeal,
                planOptions: PlanOptions(prune: prune, allowScaleUpdates: allowScaleUpdates, allowReplace: allowReplace))
            let controller = SyncController(
                settings: settings, workspace: try LocalWorkspace(stateDirectory: state.state),
                history: try HistoryStore(stateDirectory: state.state),
                gate: LeasedApply(stateDirectory: state.state, wait: leaseWait), logger: logger)
            let server = try listen.map {
                try SyncServer(address: $0, secretFile: webhookSecretFile, controller: controller, logger: logger)
            }
            logger.info(
                "sync started",
                metadata: [
                    "source": "\(LogLines.redacted(repo))", "branch": "\(branch)", "path": "\(path)", "interval": "\(interval)",
                    "drift_interval": "\(driftInterval)", "dry_run": "\(dryRun)", "self_heal": "\(selfHeal)",
                ])
            let signals = Self.trapSignals(controller: controller, grace: Duration.parse(stopGrace) ?? .seconds(30), logger: logger)
            defer { signals.forEach { $0.cancel() } }

            let failed = Box(false)
            let format = output.output
            let report: @Sendable (TickReport) -> Void = { tick in
                if [.failed, .fetchFailed, .invalid].contains(tick.outcome) { failed.value = true }
                Self.show(tick, format: format)
            }
            if let server {
                try await server.run(once: once, report: report)
            } else {
                await controller.run(once: once, report: report)
            }
            if controller.isStopping { logger.info("sync stopped") }
            if once, failed.value { throw ExitCode(1) }
        }

        private static func show(_ tick: TickReport, format: OutputFormat) {
            let line: String
            switch format {
            case .text:
                // Colored by outcome on a terminal: green applied, yellow drift, red failures.
                let style = TerminalStyle.standardOutput
                switch tick.outcome {
                case .unchanged: line = style.dim(tick.summary)
                case .applied where tick.drift.isEmpty: line = style.green(tick.summary)
                case .failed, .fetchFailed, .invalid: line = style.red(tick.summary)
                default: line = tick.drift.isEmpty ? tick.summary : style.yellow(tick.summary)
                }
            case .json:
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
                encoder.dateEncodingStrategy = .iso8601
                line = String(decoding: (try? encoder.encode(tick)) ?? Data(), as: UTF8.self)
            }
            FileHandle.standardOutput.write(Data((line + "\n").utf8))
        }

        /// SIGTERM and SIGINT stop the loop after the tick it runs (an apply finishes its
        /// action; every action is journalled, so even an abandoned one is safe); past the
        /// grace period the process exits anyway. Either way the exit code is 0.
        private static func trapSignals(controller: SyncController, grace: Duration, logger: Logger) -> [any DispatchSourceSignal] {
            [SIGINT, SIGTERM].map { number in
                signal(number, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
                source.setEventHandler {
                    logger.info("stopping", metadata: ["signal": "\(number == SIGTERM ? "SIGTERM" : "SIGINT")"])
                    controller.stop()
                    DispatchQueue.global().asyncAfter(deadline: .now() + grace.seconds) {
                        logger.warning("the current tick did not finish within the grace period; abandoned (the next run resumes it)")
                        Glibc.exit(0)
                    }
                }
                source.resume()
                return source
            }
        }
    }
}
