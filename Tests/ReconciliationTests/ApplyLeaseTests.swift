import Foundation
import Reconciliation
import TestSupport
import Testing

@Suite("Apply lease: one writer, dead holders expire")
struct ApplyLeaseTests {
    func holder(_ name: String, pid: Int32 = getpid(), host: String = ProcessInfo.processInfo.hostName, at date: Date = Date()) -> LeaseHolder {
        LeaseHolder(token: name, pid: pid, hostname: host, command: "mlgitops reconcile (\(name))", startedAt: date, heartbeatAt: date)
    }

    @Test func aLiveHolderKeepsItUntilReleased() async throws {
        let state = try ScratchDirectory()
        let lease = ApplyLease(history: try HistoryStore(stateDirectory: state.path))
        let first = holder("first"), second = holder("second")
        #expect(try lease.tryAcquire(first) == .acquired)
        #expect(try lease.tryAcquire(first) == .acquired, "re-entrant for the same acquisition")
        guard case .held(let by) = try lease.tryAcquire(second) else {
            Issue.record("a second holder got a held lease")
            return
        }
        #expect(by.token == "first")
        #expect(by.pid == getpid())

        // Waiting gives up with the holder's name after the wait.
        do {
            _ = try await lease.acquire(second, wait: 0.3)
            Issue.record("acquired a held lease")
        } catch {
            #expect(error.description.contains("pid \(getpid())"))
            #expect(error.description.contains("mlgitops reconcile (first)"))
            #expect(error.description.contains("--lease-wait"))
        }
        try lease.release(first)
        #expect(try lease.tryAcquire(second) == .acquired)
        #expect(try lease.holder()?.token == "second")
    }

    @Test func aWaiterGetsItWhenReleased() async throws {
        let state = try ScratchDirectory()
        let lease = ApplyLease(history: try HistoryStore(stateDirectory: state.path))
        let first = try await lease.acquire(holder("first"))
        let waiting = Task { try await lease.acquire(holder("second"), wait: 30) }
        try await Task.sleep(nanoseconds: 400_000_000)
        #expect(try lease.holder()?.token == "first", "still held while the first runs")
        first.release()
        let second = try await waiting.value
        #expect(second.holder.token == "second")
        #expect(try lease.holder()?.token == "second")
        second.release()
        #expect(try lease.holder() == nil)
    }

    @Test func aDeadProcessOnThisHostIsTakenOver() throws {
        let state = try ScratchDirectory()
        let lease = ApplyLease(history: try HistoryStore(stateDirectory: state.path))
        // A pid that exists nowhere: above the kernel's pid_max.
        let dead = holder("dead", pid: 99_999_999)
        #expect(try lease.tryAcquire(dead) == .acquired)
        guard case .tookOver(let from) = try lease.tryAcquire(holder("next")) else {
            Issue.record("a dead process's lease was not taken over")
            return
        }
        #expect(from.token == "dead")
        #expect(try lease.holder()?.token == "next")
    }

    @Test func anotherHostExpiresOnlyAfterItsHeartbeatIsOld() throws {
        let state = try ScratchDirectory()
        let lease = ApplyLease(history: try HistoryStore(stateDirectory: state.path), timeToLive: 60)
        let now = Date()
        // Another host's pid cannot be probed: only the heartbeat tells.
        let remote = holder("remote", pid: 99_999_999, host: "some-other-host", at: now.addingTimeInterval(-30))
        #expect(try lease.tryAcquire(remote, now: now.addingTimeInterval(-30)) == .acquired)
        guard case .held = try lease.tryAcquire(holder("local"), now: now) else {
            Issue.record("took over a lease with a 30s-old heartbeat")
            return
        }
        #expect(try lease.heartbeat(remote, now: now))
        guard case .held = try lease.tryAcquire(holder("local"), now: now.addingTimeInterval(59)) else {
            Issue.record("took over a lease 59s after its heartbeat")
            return
        }
        guard case .tookOver(let from) = try lease.tryAcquire(holder("local"), now: now.addingTimeInterval(61)) else {
            Issue.record("a lease 61s without heartbeat did not expire")
            return
        }
        #expect(from.hostname == "some-other-host")
        // The old holder learns it lost the lease.
        #expect(try lease.heartbeat(remote, now: now.addingTimeInterval(62)) == false)
    }

    @Test func theHeartbeatKeepsALongApplyAlive() async throws {
        let state = try ScratchDirectory()
        let lease = ApplyLease(history: try HistoryStore(stateDirectory: state.path), timeToLive: 4)
        // On another host, only the heartbeat (every second here) says it is alive.
        let held = try await lease.acquire(holder("long", pid: 99_999_999, host: "elsewhere"))
        try await Task.sleep(nanoseconds: 6_000_000_000)
        guard case .held(let by) = try lease.tryAcquire(holder("other")) else {
            Issue.record("a live holder's lease expired after 1.5 times its time to live")
            return
        }
        #expect(by.token == "long")
        held.release()
        held.release()
        #expect(try lease.holder() == nil)
    }
}
