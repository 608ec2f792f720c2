public import ArgumentParser

/// The `mlgitops` command: subcommands live one per file.
public struct MLGitOps: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "mlgitops",
        abstract: "GitOps for machine-learning workspaces: Azure ML YAML in git, reconciled.",
        subcommands: [])
    public init() {}
}
