public import ArgumentParser

/// The `mlgitops` command: one subcommand per file.
public struct MLGitOps: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "mlgitops",
        abstract: "GitOps for machine-learning workspaces: Azure ML YAML in git, planned and reconciled.",
        discussion: """
            Reads the desired state from a git repository through libgit2, plans it against a \
            workspace (by default the embedded local workspace in --state) and applies it. \
            Clusters are create-only, environments are content-hashed, jobs are submitted once \
            per definition, and locks and quota are judged before anything runs.
            """,
        version: "0.1.0",
        subcommands: [Validate.self, Reconcile.self, PlanCommand.self, Status.self, History.self, Rollback.self, Jobs.self])
    public init() {}
}
