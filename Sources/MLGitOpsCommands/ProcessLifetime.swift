import Synchronization

/// Values a one-shot command keeps until the process exits instead of freeing them on return.
///
/// A whole plan of 10,000 manifests ends holding the snapshot's blobs, the desired and
/// observed states, the load's record and the plan: millions of small allocations. Freeing
/// them one by one when `run()` returns took 50-70 ms after the output was already printed;
/// the kernel takes the whole address space back at exit for free (what compilers do with
/// `-disable-free`). Only for values that would live to the end of the command anyway.
enum ProcessLifetime {
    private static let kept = Mutex<[any Sendable]>([])

    /// Keeps `values` alive until the process exits.
    static func keepUntilExit(_ values: any Sendable...) {
        kept.withLock { $0.append(contentsOf: values) }
    }
}
