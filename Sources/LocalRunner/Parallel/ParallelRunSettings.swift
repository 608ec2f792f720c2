public import Manifests

/// Every setting of a parallel step, resolved and checked: the YAML attributes, then the
/// parallel-run arguments found in `program_arguments`, which override the attribute of the
/// same setting (as the Azure ML parallel runtime reads them last). What is left of
/// `program_arguments` goes, in order, to the entry script.
///
/// Defaults: `max_retries` 2, `retry_settings.timeout` 60 s, `--allowed_failed_percent` 100,
/// `--task_overhead_timeout` 600 s, `--first_task_creation_timeout` 600 s,
/// `--copy_logs_to_parent` False, `--resource_monitor_interval` 600 s (0 turns it off), and
/// `--progress_update_timeout` computed as `timeout * (max_retries + 1) + task_overhead_timeout`:
/// the longest a mini-batch may legitimately go without news (every try running out its time,
/// plus the overhead of handing it out).
public struct ParallelRunSettings: Sendable, Hashable {
    /// Failed mini-batches tolerated; -1 ignores every mini-batch failure.
    public var miniBatchErrorThreshold: Int
    /// Failed items (files or rows) tolerated (`error_threshold` or `--error_threshold`); -1
    /// ignores item failures.
    public var errorThreshold: Int
    /// Tries of a failed mini-batch after the first (`retry_settings.max_retries`).
    public var maxRetries: Int
    /// Seconds one `run()` call may take (`retry_settings.timeout`).
    public var retryTimeout: Int
    /// The percentage of failed mini-batches tolerated; 100 never fails the job for it.
    public var allowedFailedPercent: Int
    /// Seconds allowed for handing a mini-batch to a worker, beyond `run()` itself.
    public var taskOverheadTimeout: Int
    /// Seconds without progress after which the job is considered stuck.
    public var progressUpdateTimeout: Int
    /// Whether `progressUpdateTimeout` was computed rather than given.
    public var progressUpdateTimeoutIsComputed: Bool
    /// Seconds allowed until the first mini-batch is handed out.
    public var firstTaskCreationTimeout: Int
    /// `DEBUG`, `INFO` or `WARNING`.
    public var loggingLevel: String
    /// Whether worker logs are copied to the parent pipeline job.
    public var copyLogsToParent: Bool
    /// Seconds between resource usage samples; 0 turns sampling off.
    public var resourceMonitorInterval: Int
    /// Nodes (`resources.instance_count`, default 1).
    public var instanceCount: Int
    /// Workers a node (`max_concurrency_per_instance`; default 1 on GPU, the core count on CPU).
    public var maxConcurrencyPerInstance: Int
    /// Workers running `run()` at once: `instanceCount * maxConcurrencyPerInstance`.
    public var workers: Int
    /// The arguments the entry script receives, in the order written.
    public var entryArguments: [String]

    /// The longest any timeout may be: 3 days.
    public static let maximumTimeout = 259_200

    /// A setting out of its range, or arguments that cannot be read.
    public enum SettingError: Error, Sendable, Equatable, CustomStringConvertible {
        /// A value outside the setting's range, or not of its kind.
        case invalidValue(setting: String, value: String, allowed: String)
        /// A parallel-run argument at the end of `program_arguments`, without its value.
        case missingValue(setting: String)
        /// `program_arguments` with an unclosed quote or a trailing backslash.
        case malformedArguments(detail: String)

        /// The message for people.
        public var description: String {
            switch self {
            case .invalidValue(let setting, let value, let allowed):
                return "\(setting) must be \(allowed) (found `\(value)`)"
            case .missingValue(let setting):
                return "\(setting) in program_arguments needs a value, as in `\(setting) 10` or `\(setting)=10`"
            case .malformedArguments(let detail):
                return "program_arguments cannot be read: \(detail)"
            }
        }
    }

    /// Resolves the settings of `task`, which runs on GPU nodes when `isGPU`, each with
    /// `coresPerNode` cores.
    public init(task: ParallelTask, isGPU: Bool, coresPerNode: Int) throws(SettingError) {
        miniBatchErrorThreshold = try Self.checked(task.miniBatchErrorThreshold, "mini_batch_error_threshold", .atLeastMinusOne)
        errorThreshold = try Self.checked(task.errorThreshold, "error_threshold", .atLeastMinusOne)
        maxRetries = try Self.checked(task.maxRetries, "retry_settings.max_retries", .atLeastZero)
        retryTimeout = try Self.checked(task.retryTimeout, "retry_settings.timeout", .timeout)
        guard ["INFO", "WARNING", "DEBUG"].contains(task.loggingLevel) else {
            throw .invalidValue(setting: "logging_level", value: task.loggingLevel, allowed: "one of INFO, WARNING, DEBUG")
        }
        loggingLevel = task.loggingLevel
        instanceCount = try Self.checked(task.instanceCount ?? 1, "resources.instance_count", .atLeastOne)
        maxConcurrencyPerInstance = try Self.checked(
            task.maxConcurrencyPerInstance ?? (isGPU ? 1 : max(coresPerNode, 1)), "max_concurrency_per_instance", .atLeastOne)
        let (product, overflow) = instanceCount.multipliedReportingOverflow(by: maxConcurrencyPerInstance)
        workers = overflow ? Int.max : product

        allowedFailedPercent = 100
        taskOverheadTimeout = 600
        firstTaskCreationTimeout = 600
        copyLogsToParent = false
        resourceMonitorInterval = 600
        var progressUpdate: Int?
        entryArguments = []

        let tokens = try Self.tokenize(task.programArguments ?? "")
        var index = 0
        while index < tokens.count {
            let token = tokens[index]
            index += 1
            guard token.hasPrefix("--") else {
                entryArguments.append(token)
                continue
            }
            var name = token
            var inlineValue: String?
            if let equals = token.firstIndex(of: "=") {
                name = String(token[..<equals])
                inlineValue = String(token[token.index(after: equals)...])
            }
            guard Self.runArguments.contains(name) else {
                entryArguments.append(token)
                continue
            }
            let value: String
            if let inlineValue {
                value = inlineValue
            } else if index < tokens.count {
                value = tokens[index]
                index += 1
            } else {
                throw .missingValue(setting: name)
            }
            switch name {
            case "--error_threshold": errorThreshold = try Self.number(value, name, .atLeastMinusOne)
            case "--allowed_failed_percent": allowedFailedPercent = try Self.number(value, name, .percent)
            case "--task_overhead_timeout": taskOverheadTimeout = try Self.number(value, name, .timeout)
            case "--progress_update_timeout": progressUpdate = try Self.number(value, name, .timeout)
            case "--first_task_creation_timeout": firstTaskCreationTimeout = try Self.number(value, name, .timeout)
            case "--resource_monitor_interval": resourceMonitorInterval = try Self.number(value, name, .atLeastZero)
            case "--copy_logs_to_parent":
                switch value.lowercased() {
                case "true": copyLogsToParent = true
                case "false": copyLogsToParent = false
                default: throw .invalidValue(setting: name, value: value, allowed: "True or False")
                }
            default: break
            }
        }
        progressUpdateTimeoutIsComputed = progressUpdate == nil
        progressUpdateTimeout = progressUpdate ?? Self.computedProgressTimeout(
            retryTimeout: retryTimeout, maxRetries: maxRetries, taskOverhead: taskOverheadTimeout)
    }

    /// The parallel-run arguments that `program_arguments` may carry; the entry script never
    /// sees them.
    public static let runArguments: Set<String> = [
        "--error_threshold", "--allowed_failed_percent", "--task_overhead_timeout", "--progress_update_timeout",
        "--first_task_creation_timeout", "--copy_logs_to_parent", "--resource_monitor_interval",
    ]

    /// Splits `text` into words as a POSIX shell does, without expansions: blanks separate
    /// words; single quotes keep everything literally; double quotes keep blanks, and a
    /// backslash in them escapes only `"`, `\`, `$`, a backquote and a line break; outside
    /// quotes a backslash escapes any character (and a backslash-newline joins lines).
    public static func tokenize(_ text: String) throws(SettingError) -> [String] {
        var words: [String] = []
        var current = ""
        var inWord = false
        var iterator = Array(text).makeIterator()
        while let character = iterator.next() {
            switch character {
            case " ", "\t", "\n", "\r", "\r\n":
                if inWord {
                    words.append(current)
                    current = ""
                    inWord = false
                }
            case "'":
                inWord = true
                var closed = false
                while let next = iterator.next() {
                    if next == "'" {
                        closed = true
                        break
                    }
                    current.append(next)
                }
                if !closed { throw .malformedArguments(detail: "a single quote (') is never closed") }
            case "\"":
                inWord = true
                var closed = false
                while let next = iterator.next() {
                    if next == "\"" {
                        closed = true
                        break
                    }
                    if next == "\\" {
                        guard let escaped = iterator.next() else { break }
                        if escaped == "\n" { continue }
                        if !"\"\\$`".contains(escaped) { current.append("\\") }
                        current.append(escaped)
                        continue
                    }
                    current.append(next)
                }
                if !closed { throw .malformedArguments(detail: "a double quote (\") is never closed") }
            case "\\":
                guard let escaped = iterator.next() else {
                    throw .malformedArguments(detail: "it ends with a backslash that escapes nothing")
                }
                if escaped == "\n" { continue }
                inWord = true
                current.append(escaped)
            default:
                inWord = true
                current.append(character)
            }
        }
        if inWord { words.append(current) }
        return words
    }

    private enum Bounds {
        case atLeastMinusOne, atLeastZero, atLeastOne, timeout, percent

        var text: String {
            switch self {
            case .atLeastMinusOne: "an integer in [-1, \(Int.max)] (-1 ignores failures)"
            case .atLeastZero: "an integer in [0, \(Int.max)]"
            case .atLeastOne: "an integer in [1, \(Int.max)]"
            case .timeout: "a number of seconds in (0, \(ParallelRunSettings.maximumTimeout)]"
            case .percent: "an integer percentage in [0, 100]"
            }
        }

        func contains(_ value: Int) -> Bool {
            switch self {
            case .atLeastMinusOne: value >= -1
            case .atLeastZero: value >= 0
            case .atLeastOne: value >= 1
            case .timeout: value > 0 && value <= ParallelRunSettings.maximumTimeout
            case .percent: value >= 0 && value <= 100
            }
        }
    }

    private static func checked(_ value: Int, _ setting: String, _ range: Bounds) throws(SettingError) -> Int {
        guard range.contains(value) else { throw .invalidValue(setting: setting, value: String(value), allowed: range.text) }
        return value
    }

    private static func number(_ text: String, _ setting: String, _ range: Bounds) throws(SettingError) -> Int {
        guard let value = Int(text.hasPrefix("+") ? String(text.dropFirst()) : text), range.contains(value) else {
            throw .invalidValue(setting: setting, value: text, allowed: range.text)
        }
        return value
    }

    private static func computedProgressTimeout(retryTimeout: Int, maxRetries: Int, taskOverhead: Int) -> Int {
        // Saturates: max_retries may be as large as Int allows.
        let (tries, overflowTries) = maxRetries.addingReportingOverflow(1)
        let (running, overflowRunning) = retryTimeout.multipliedReportingOverflow(by: tries)
        let (total, overflowTotal) = running.addingReportingOverflow(taskOverhead)
        return overflowTries || overflowRunning || overflowTotal ? Int.max : total
    }
}
