/// A failure of a command's own preconditions, printed as `Error: <message>` with exit code 1.
enum CommandError: Error, CustomStringConvertible {
    /// The state folder does not exist, and the command must not create it.
    case noState(path: String)
    /// No job has that name.
    case noJob(name: String, known: [String])
    /// The job has no such step.
    case noStep(job: String, step: String, known: [String])
    /// The runner stopped with an error.
    case runner(String)

    var description: String {
        switch self {
        case .noState(let path): "no state at \(path): run `mlgitops reconcile` first, or pass --state"
        case .noJob(let name, let known):
            "no job named \(name)"
                + (known.isEmpty ? "; the workspace has no jobs yet" : "; known jobs: \(known.prefix(10).joined(separator: ", "))")
                + " (see `mlgitops jobs list`)"
        case .noStep(let job, let step, let known):
            "job \(job) has no step \(step); its steps: \(known.joined(separator: ", "))"
        case .runner(let message): message
        }
    }
}
