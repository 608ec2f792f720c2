import Dispatch

/// A point in time a network operation must finish by, on the monotonic clock.
struct Deadline: Sendable {
    /// `DispatchTime` uptime at which the deadline passes.
    let uptimeNanoseconds: UInt64
    /// The timeout it was made from, for messages.
    let seconds: Double

    /// The deadline `duration` from now (a negative duration has already passed).
    init(after duration: Duration) {
        let (wholeSeconds, attoseconds) = duration.components
        let nanoseconds = max(0, Double(wholeSeconds) * 1e9 + Double(attoseconds) / 1e9)
        seconds = nanoseconds / 1e9
        uptimeNanoseconds = DispatchTime.now().uptimeNanoseconds + UInt64(nanoseconds)
    }

    /// Whether the deadline has passed.
    var hasPassed: Bool { DispatchTime.now().uptimeNanoseconds >= uptimeNanoseconds }

    /// The deadline as a dispatch time, for timers.
    var dispatchTime: DispatchTime { DispatchTime(uptimeNanoseconds: uptimeNanoseconds) }
}
