@testable import Controller
import Foundation
import Testing

@Suite("Sync settings, metrics and logs")
struct SyncSettingsTests {
    @Test func parsesDurations() {
        #expect(Duration.parse("30s") == .seconds(30))
        #expect(Duration.parse("5m") == .seconds(300))
        #expect(Duration.parse("1h") == .seconds(3600))
        #expect(Duration.parse("250ms") == .milliseconds(250))
        #expect(Duration.parse("2") == .seconds(2))
        #expect(Duration.parse("soon") == nil)
        #expect(Duration.parse("-1s") == nil)
    }

    @Test func jitterStaysWithinItsBounds() {
        let settings = SyncSettings(source: .local(path: "."), stateDirectory: "/tmp/x", interval: .seconds(100), jitter: 0.2)
        for _ in 0..<200 {
            let wait = settings.nextWait().seconds
            #expect(wait >= 80 && wait <= 120)
        }
        #expect(SyncSettings(source: .local(path: "."), stateDirectory: "/tmp/x", jitter: 3).jitter == 0.5)
    }

    @Test func remoteOrLocal() {
        #expect(SyncSource.of("file:///srv/x.git") == .remote(url: "file:///srv/x.git"))
        #expect(SyncSource.of("git@example.com:team/repo.git") == .remote(url: "git@example.com:team/repo.git"))
        #expect(SyncSource.of("/srv/checkout") == .local(path: "/srv/checkout"))
    }

    @Test func redactsCredentialsInURLs() {
        #expect(LogLines.redacted("https://user:tok3n@example.com/r.git") == "https://example.com/r.git")
        #expect(LogLines.redacted("https://example.com/a@b") == "https://example.com/a@b")
        #expect(LogLines.redacted("/srv/repo") == "/srv/repo")
    }

    @Test func jsonLogLinesAreOneObjectEach() throws {
        let line = LogLines.jsonLine(level: .info, message: "tick", label: "mlgitops.sync", metadata: ["revision": "abc", "n": "2"])
        #expect(!line.contains("\n"))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["message"] as? String == "tick")
        #expect(object["level"] as? String == "info")
        #expect(object["revision"] as? String == "abc")
    }

    @Test func metricsRenderInPrometheusText() {
        let metrics = SyncMetrics()
        metrics.recordReconcile(trigger: "sync", status: "succeeded", seconds: 0.3,
                                results: [("compute", "create", "done"), ("job", "submit", "done")])
        metrics.recordFetch(failed: true)
        metrics.setDrift(3, checked: true)
        metrics.setLastApplied("0123abc")
        let text = metrics.prometheusText()
        #expect(text.contains("mlgitops_reconciles_total{status=\"succeeded\",trigger=\"sync\"} 1"))
        #expect(text.contains("mlgitops_reconcile_duration_seconds_bucket{le=\"0.5\"} 1"))
        #expect(text.contains("mlgitops_reconcile_duration_seconds_bucket{le=\"0.25\"} 0"))
        #expect(text.contains("mlgitops_actions_total{kind=\"compute\",result=\"done\",verb=\"create\"} 1"))
        #expect(text.contains("mlgitops_git_fetch_errors_total 1"))
        #expect(text.contains("mlgitops_drift_resources 3"))
        #expect(text.contains("mlgitops_last_applied_revision_info{revision=\"0123abc\"} 1"))
        #expect(text.contains("# TYPE mlgitops_reconcile_duration_seconds histogram"))
    }
}
