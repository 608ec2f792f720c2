import ArgumentParser
import Planning

/// Where the desired state comes from.
struct RepositoryOptions: ParsableArguments {
    @Option(name: .long, help: "A local git repository (work tree or bare), or a remote URL to mirror.")
    var repo: String = "."

    @Option(name: .long, help: "The folder of the repository that holds the manifests.")
    var path: String = "."

    @Option(name: .long, help: "The revision to read: a branch, tag, sha or HEAD.")
    var ref: String = "HEAD"
}

/// Where mlgitops keeps its state.
struct StateOptions: ParsableArguments {
    @Option(name: .long, help: "The state folder: the local workspace, the history and the git cache.")
    var state: String = ".mlgitops"
}

/// How results are printed.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable, Sendable {
    case text, json
}

struct OutputOptions: ParsableArguments {
    @Option(name: .long, help: "text for people (colored on a terminal), json for machines (formatVersion 1).")
    var output: OutputFormat = .text
}

/// The opt-ins of a plan.
struct PlanFlags: ParsableArguments {
    @Flag(name: .long, help: "Delete clusters, schedules, locks and quota policies that git no longer declares.")
    var prune = false

    @Flag(name: .long, help: "Apply min/max/idle changes of existing clusters in place.")
    var allowScaleUpdates = false

    @Flag(name: .long, help: "Replace (delete and create) clusters whose create-only fields changed. Destructive.")
    var allowReplace = false

    @Flag(name: .long, help: "Exit 0 when nothing changes, 2 when changes are present, 1 on error.")
    var detailedExitcode = false

    @Flag(name: .long, help: "Also list unchanged resources.")
    var showUnchanged = false
}

extension PlanFlags {
    /// The planner's options from the flags.
    var planOptions: PlanOptions {
        PlanOptions(prune: prune, allowScaleUpdates: allowScaleUpdates, allowReplace: allowReplace)
    }
}
