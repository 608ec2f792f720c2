import EmbeddedWorkspace
import Foundation
import Policies

/// What every job and step of one runner shares.
struct RunnerContext: Sendable {
    var workspace: LocalWorkspace
    var builds: EnvironmentBuilds
    var runnerID: String
    var catalog: VMSizeCatalog
    var pollInterval: Duration
    /// The machine's Python, for environments the local workspace does not build.
    var hostInterpreter: String

    /// `parallel_worker.py`, shipped as a resource of this module.
    static var harness: String? {
        Bundle.module.path(forResource: "parallel_worker", ofType: "py", inDirectory: "Resources")
    }
}
