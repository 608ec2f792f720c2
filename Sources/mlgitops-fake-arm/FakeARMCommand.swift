import ArgumentParser
import FakeARM
import Foundation

/// `mlgitops-fake-arm`: the ARM emulator as a standalone local server (docs/fake-arm.md).
@main
struct FakeARMCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mlgitops-fake-arm",
        abstract: "A local emulator of the Azure ML ARM REST API, for trying the Azure provider with no account.")

    @Option(name: .long, help: "The port on 127.0.0.1 (0 picks a free one and prints it).")
    var port: Int = 8443

    @Option(name: .long, help: "Keep the state in this JSON file (loaded at start, written after every change).")
    var state: String?

    @Option(name: .long, help: "The share of requests that get an injected fault: 429, 500, a reset connection or a slow answer.")
    var faultRate: Double = 0

    @Option(name: .long, help: "The seed of the fault generator.")
    var faultSeed: UInt64 = 1

    @Option(name: .long, help: "Retry-After seconds on operations and throttled answers.")
    var retryAfter: Int = 1

    @Option(name: .long, help: "Status polls before an operation finishes.")
    var operationPolls: Int = 2

    @Option(name: .long, help: "Items per page of every list.")
    var pageSize: Int = 2

    @Option(name: .long, help: "Requests allowed per --budget-window seconds before 429 SubscriptionRequestsThrottled (default: no budget).")
    var requestBudget: Int?

    @Option(name: .long, help: "The length of a request-budget window, in seconds.")
    var budgetWindow: Double = 10

    @Option(name: .long, help: "GETs of a newly created resource answered 404 before it shows (eventual consistency).")
    var staleReads: Int = 0

    @Flag(name: .long, help: "Refuse (400) a PUT that changes a create-only field of an existing compute, instead of accepting and ignoring it.")
    var rejectImmutableComputeChanges = false

    @Option(name: .long, help: "A workspace that exists from the start: azureml://subscriptions/S/resourceGroups/RG/workspaces/WS[?location=L] (repeatable; default the corpus's my-rg/my-ws).")
    var workspace: [String] = []

    @Option(name: .long, help: "Accept only this bearer token (repeatable; default: any token).")
    var token: [String] = []

    @Option(name: .long, help: "Write the bound port to this file once listening.")
    var portFile: String?

    func run() async throws {
        var workspaces: [FakeWorkspace] = []
        for uri in workspace {
            guard let parsed = FakeWorkspace(uri: uri) else {
                throw ValidationError("--workspace \(uri): expected azureml://subscriptions/S/resourceGroups/RG/workspaces/WS")
            }
            workspaces.append(parsed)
        }
        let configuration = FakeARMConfiguration(
            port: port, statePath: state, faultRate: faultRate, faultSeed: faultSeed, retryAfterSeconds: retryAfter,
            operationPolls: operationPolls, pageSize: pageSize, requestBudget: requestBudget, budgetWindowSeconds: budgetWindow, staleReads: staleReads, rejectImmutableComputeChanges: rejectImmutableComputeChanges, workspaces: workspaces.isEmpty ? [.default] : workspaces,
            allowedTokens: Set(token))
        let portFile = portFile
        try await FakeARMServer(configuration: configuration).run { bound in
            FileHandle.standardOutput.write(Data("mlgitops-fake-arm listening on http://127.0.0.1:\(bound)\n".utf8))
            if let portFile { try? String(bound).write(toFile: portFile, atomically: true, encoding: .utf8) }
        }
    }
}
