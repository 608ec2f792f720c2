/// The running count of a parallel step's finished mini-batches, which decides the step's
/// fate as Azure ML does and writes `job_result.txt`.
///
/// A mini-batch fails when its last attempt raised (or timed out) or returned fewer rows than
/// it had items; its failed items are then the items less the rows returned (all of them when
/// it raised). The job fails as soon as one threshold is passed, checked in this order:
/// failed mini-batches above `mini_batch_error_threshold` (unless -1), failed items above
/// `error_threshold` (unless -1), then `failed * 100 > allowed_failed_percent * total` (only
/// below 100). Otherwise it completes when every mini-batch is finished.
public struct ParallelRunTally: Sendable, Hashable, Codable {
    /// How one try of a mini-batch ended.
    public enum Attempt: Sendable, Hashable, Codable {
        /// `run()` returned this many rows (fewer than the items is a failure).
        case returned(rows: Int)
        /// `run()` raised, timed out, or its worker died; the reason as people should read it.
        case failed(reason: String)
    }

    /// What became of one mini-batch, after its last try.
    public struct FinishedBatch: Sendable, Hashable, Codable {
        /// The mini-batch's index.
        public var index: Int
        /// Files or rows it held.
        public var items: Int
        /// Rows its last try returned (0 when that try raised).
        public var rowsReturned: Int
        /// Tries made, the first included.
        public var attempts: Int
        /// The reason of each failed try, in order.
        public var failureReasons: [String]
        /// Its items for people: the first file names, or the rows and the chunk.
        public var itemsDescription: String
        /// Whether its last try returned a row for every item.
        public var succeeded: Bool
        /// Items without a row: all of them when the last try raised.
        public var failedItems: Int
    }

    /// Where the job stands.
    public enum Verdict: Sendable, Hashable {
        /// Mini-batches remain and no threshold is passed.
        case running
        /// A threshold is passed; the reason names it and the numbers.
        case failed(reason: String)
        /// Every mini-batch finished within the thresholds.
        case completed
    }

    /// Failed mini-batches tolerated; -1 ignores them.
    public var miniBatchErrorThreshold: Int
    /// Failed items tolerated; -1 ignores them.
    public var errorThreshold: Int
    /// Percentage of failed mini-batches tolerated; 100 ignores it.
    public var allowedFailedPercent: Int

    /// The finished mini-batches by index; recording an index again replaces it.
    public private(set) var finished: [Int: FinishedBatch] = [:]
    /// Finished mini-batches that succeeded.
    public private(set) var succeededBatches = 0
    /// Finished mini-batches that failed.
    public private(set) var failedBatches = 0
    /// Items that got a row, over finished mini-batches.
    public private(set) var succeededItems = 0
    /// Items without a row, over finished mini-batches.
    public private(set) var failedItems = 0

    /// Failed mini-batches `job_result.txt` details; the rest are counted.
    public static let detailedFailureLimit = 100

    /// A tally under the given thresholds.
    public init(miniBatchErrorThreshold: Int, errorThreshold: Int, allowedFailedPercent: Int) {
        self.miniBatchErrorThreshold = miniBatchErrorThreshold
        self.errorThreshold = errorThreshold
        self.allowedFailedPercent = allowedFailedPercent
    }

    /// A tally under the thresholds of `settings`.
    public init(settings: ParallelRunSettings) {
        self.init(miniBatchErrorThreshold: settings.miniBatchErrorThreshold, errorThreshold: settings.errorThreshold,
                  allowedFailedPercent: settings.allowedFailedPercent)
    }

    /// Records that `batch` is finished after `attempts` (in order; the last one decides).
    public mutating func record(_ batch: MiniBatch, attempts: [Attempt]) {
        let items = batch.itemCount
        var reasons: [String] = []
        for attempt in attempts {
            switch attempt {
            case .failed(let reason): reasons.append(reason)
            case .returned(let rows) where rows < items:
                reasons.append("run() returned \(rows) \(Self.plural(rows, "row")) for \(items) \(Self.plural(items, "item"))")
            case .returned: break
            }
        }
        var rows = 0
        var succeeded = false
        var failed = items
        switch attempts.last {
        case .returned(let count)?:
            rows = max(count, 0)
            succeeded = count >= items
            failed = max(items - rows, 0)
        case .failed?:
            break
        case nil:
            reasons.append("the mini-batch was never run")
        }
        let entry = FinishedBatch(
            index: batch.index, items: items, rowsReturned: rows, attempts: attempts.count, failureReasons: reasons,
            itemsDescription: Self.describe(batch.payload), succeeded: succeeded, failedItems: failed)
        if let previous = finished[batch.index] { count(previous, sign: -1) }
        finished[batch.index] = entry
        count(entry, sign: 1)
    }

    private mutating func count(_ entry: FinishedBatch, sign: Int) {
        if entry.succeeded { succeededBatches += sign } else { failedBatches += sign }
        failedItems += sign * entry.failedItems
        succeededItems += sign * (entry.items - entry.failedItems)
    }

    /// Where the job stands with `totalBatches` mini-batches in all.
    public func verdict(totalBatches: Int) -> Verdict {
        if let reason = failureReason(totalBatches: totalBatches) { return .failed(reason: reason) }
        return finished.count >= totalBatches ? .completed : .running
    }

    private func failureReason(totalBatches: Int) -> String? {
        if miniBatchErrorThreshold != -1, failedBatches > miniBatchErrorThreshold {
            return "\(failedBatches) \(Self.plural(failedBatches, "mini-batch", "mini-batches")) failed, "
                + "more than mini_batch_error_threshold \(miniBatchErrorThreshold)"
        }
        if errorThreshold != -1, failedItems > errorThreshold {
            return "\(failedItems) \(Self.plural(failedItems, "item")) failed, more than error_threshold \(errorThreshold)"
        }
        if allowedFailedPercent < 100, failedBatches > 0,
           failedBatches.multipliedReportingOverflow(by: 100).partialValue
            > allowedFailedPercent.multipliedReportingOverflow(by: totalBatches).partialValue {
            return "\(failedBatches) of \(totalBatches) mini-batches failed (\(Self.percent(failedBatches, of: totalBatches))), "
                + "more than allowed_failed_percent \(allowedFailedPercent)%"
        }
        return nil
    }

    /// The content of `job_result.txt`: the result on the first line (`Result: Completed` or
    /// `Result: Failed: <reason>`; a job stopped with mini-batches unfinished and no threshold
    /// passed is reported failed for that), then the counts, the thresholds in force and the
    /// failed mini-batches with the reason of each failed try.
    public func jobResultText(settings: ParallelRunSettings, totalBatches: Int, totalItems: Int) -> String {
        var lines: [String] = []
        switch verdict(totalBatches: totalBatches) {
        case .completed:
            lines.append("Result: Completed")
        case .failed(let reason):
            lines.append("Result: Failed: \(reason)")
        case .running:
            let unfinished = totalBatches - finished.count
            lines.append("Result: Failed: \(unfinished) of \(totalBatches) mini-batches did not finish")
        }
        lines.append("")
        let notRun = max(totalBatches - finished.count, 0)
        lines.append("Mini-batches: \(succeededBatches) succeeded, \(failedBatches) failed, \(totalBatches) total"
                     + (notRun > 0 ? " (\(notRun) not run)" : ""))
        let itemsNotRun = max(totalItems - succeededItems - failedItems, 0)
        lines.append("Items: \(succeededItems) succeeded, \(failedItems) failed, \(totalItems) total"
                     + (itemsNotRun > 0 ? " (\(itemsNotRun) not run)" : ""))
        lines.append("")
        lines.append("Thresholds:")
        lines.append("  mini_batch_error_threshold: \(settings.miniBatchErrorThreshold)"
                     + (settings.miniBatchErrorThreshold == -1 ? " (mini-batch failures ignored)" : ""))
        lines.append("  error_threshold: \(settings.errorThreshold)" + (settings.errorThreshold == -1 ? " (item failures ignored)" : ""))
        lines.append("  allowed_failed_percent: \(settings.allowedFailedPercent)" + (settings.allowedFailedPercent >= 100 ? " (no limit)" : ""))
        lines.append("  retry_settings: max_retries \(settings.maxRetries), timeout \(settings.retryTimeout) s")

        let failures = finished.values.filter { !$0.succeeded }.sorted { $0.index < $1.index }
        if !failures.isEmpty {
            lines.append("")
            lines.append("Failed mini-batches:")
            for entry in failures.prefix(Self.detailedFailureLimit) {
                lines.append("  mini-batch \(entry.index): \(entry.itemsDescription); \(entry.failedItems) of \(entry.items) "
                             + "\(Self.plural(entry.items, "item")) failed after \(entry.attempts) \(Self.plural(entry.attempts, "attempt"))")
                for (number, reason) in entry.failureReasons.enumerated() {
                    lines.append(contentsOf: Self.indented(reason, label: "    attempt \(number + 1): "))
                }
            }
            if failures.count > Self.detailedFailureLimit {
                lines.append("  ... and \(failures.count - Self.detailedFailureLimit) more")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    // MARK: - Wording

    private static func describe(_ payload: MiniBatchPayload) -> String {
        switch payload {
        case .files(let paths):
            let names = paths.prefix(3).map { $0.split(separator: "/").last.map(String.init) ?? $0 }
            var text = names.joined(separator: ", ")
            if paths.count > 3 { text += " and \(paths.count - 3) more" }
            return paths.isEmpty ? "no files" : "\(paths.count) \(plural(paths.count, "file")) (\(text))"
        case .tabular(let csvPath, let rows, let partition):
            var text = "\(rows) \(plural(rows, "row")) in \(csvPath.split(separator: "/").last.map(String.init) ?? csvPath)"
            if let partition, !partition.isEmpty {
                text += " (" + partition.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", ") + ")"
            }
            return text
        }
    }

    /// A reason on one labelled line, further lines of it (tracebacks) indented under it and
    /// cut short so one mini-batch cannot bury the others.
    private static func indented(_ reason: String, label: String) -> [String] {
        let maximumLines = 20
        let reasonLines = reason.split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.hasSuffix("\r") ? String($0.dropLast()) : String($0) }
        let trimmed = reasonLines.reversed().drop { $0.isEmpty }.reversed()
        let kept = Array(trimmed.prefix(maximumLines))
        guard let first = kept.first else { return [label + "(no reason given)"] }
        let padding = String(repeating: " ", count: label.count)
        var result = [label + first] + kept.dropFirst().map { padding + $0 }
        if trimmed.count > maximumLines { result.append(padding + "... (\(trimmed.count - maximumLines) more lines)") }
        return result
    }

    private static func plural(_ count: Int, _ singular: String, _ plural: String? = nil) -> String {
        count == 1 ? singular : (plural ?? singular + "s")
    }

    private static func percent(_ part: Int, of total: Int) -> String {
        guard total > 0 else { return "100%" }
        let tenths = (part * 1000 + total / 2) / total
        return tenths % 10 == 0 ? "\(tenths / 10)%" : "\(tenths / 10).\(tenths % 10)%"
    }
}
