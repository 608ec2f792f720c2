import EmbeddedWorkspace

/// Records finished mini-batches in the state store in groups, off the pool's path.
///
/// One transaction per mini-batch made the pool wait on a disk sync for every batch, and its
/// workers idle with it. Records that arrive while a write is in flight go together in the
/// next one (a group commit). A batch not yet recorded when the runner dies is simply run
/// again: its rows reach `append_row_to` only through its record, so never twice.
actor MiniBatchRecorder {
    private let workspace: LocalWorkspace
    private let job: String
    private let step: String
    private var pending: [MiniBatchRecord] = []
    private var writer: Task<Void, Never>?
    /// The last write that failed, for the step's log.
    private(set) var failure: String?

    init(workspace: LocalWorkspace, job: String, step: String) {
        self.workspace = workspace
        self.job = job
        self.step = step
    }

    /// Queues `record`; it is written with whatever else arrives before the next write.
    func add(_ record: MiniBatchRecord) {
        pending.append(record)
        if writer == nil { writer = Task { await self.writeAll() } }
    }

    /// Returns once every record added so far is in the state store (or failed to get there).
    func drain() async {
        while let writer { await writer.value }
    }

    private func writeAll() async {
        while !pending.isEmpty {
            let group = pending
            pending = []
            do {
                _ = try await workspace.recordMiniBatches(group, job: job, step: step)
            } catch {
                failure = "cannot record mini-batches \(group.map(\.batch)): \(error)"
            }
        }
        writer = nil
    }
}
