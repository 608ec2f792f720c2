/// How to start one worker process of a parallel step: the interpreter, the harness
/// (`parallel_worker.py`) and what the harness needs to load the user's entry script.
public struct WorkerLaunch: Sendable, Hashable {
    /// Absolute path of the Python interpreter; a real binary rather than a shim (pyenv shims
    /// add tens of milliseconds to every worker start and replacement).
    public var python: String
    /// Absolute path of `parallel_worker.py`.
    public var harness: String
    /// The step's entry script (absolute, or relative to `codeDirectory`).
    public var entryScript: String
    /// The step's code snapshot: the workers' working directory and first `sys.path` entry.
    public var codeDirectory: String
    /// The step's `program_arguments`, already split; the entry script sees them in `sys.argv`.
    public var programArguments: [String]
    /// The complete environment of the child (nothing is inherited from this process).
    public var environment: [String: String]
    /// `INFO`, `WARNING` or `DEBUG` (any Python logging level name works).
    public var loggingLevel: String
    /// Where `worker-N.txt` are written; created if missing. A replacement worker appends to
    /// the log of the worker it replaces, so one file tells one slot's whole story.
    public var logDirectory: String

    public init(
        python: String, harness: String, entryScript: String, codeDirectory: String,
        programArguments: [String] = [], environment: [String: String],
        loggingLevel: String = "INFO", logDirectory: String
    ) {
        self.python = python
        self.harness = harness
        self.entryScript = entryScript
        self.codeDirectory = codeDirectory
        self.programArguments = programArguments
        self.environment = environment
        self.loggingLevel = loggingLevel
        self.logDirectory = logDirectory
    }

    /// The log file of worker slot `worker`.
    public func logPath(worker: Int) -> String {
        let directory = logDirectory.hasSuffix("/") ? String(logDirectory.dropLast()) : logDirectory
        return "\(directory)/worker-\(worker).txt"
    }
}
