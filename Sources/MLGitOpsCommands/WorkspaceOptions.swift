import ArgumentParser
import AzureMLWorkspace
import EmbeddedWorkspace
import Foundation
import Workspaces

/// Which workspace a command plans against: the embedded local one in `--state` (the
/// default), or an Azure ML workspace through ARM (docs/azure.md).
struct WorkspaceOptions: ParsableArguments {
    @Option(name: .long, help: "An Azure ML workspace: azureml://subscriptions/S/resourceGroups/RG/workspaces/WS (default: the local workspace in --state).")
    var workspace: String?

    @Option(name: .long, help: "The ARM endpoint (e.g. http://127.0.0.1:PORT for mlgitops-fake-arm).")
    var armEndpoint: String?

    @Option(name: .long, help: "A JSON file with \"workspace\" and optionally \"armEndpoint\" and \"apiVersions\" (TYPE=VERSION,...).")
    var workspaceConfig: String?

    /// Whether an Azure workspace was asked for.
    var isAzure: Bool { workspace != nil || workspaceConfig != nil }

    /// The selected workspace. Credentials come from the environment (AZURE_ACCESS_TOKEN,
    /// client credentials, a federated token, managed identity, or `az`).
    func open(state: StateOptions) throws -> any Workspace {
        guard isAzure else { return try LocalWorkspace(stateDirectory: state.state) }
        var uri = workspace, endpoint = armEndpoint, overrides = ProcessInfo.processInfo.environment["MLGITOPS_ARM_API_VERSIONS"]
        if let workspaceConfig {
            guard let data = FileManager.default.contents(atPath: workspaceConfig),
                let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
            else { throw ValidationError("--workspace-config \(workspaceConfig): not a readable JSON object") }
            uri = uri ?? object["workspace"] as? String
            endpoint = endpoint ?? object["armEndpoint"] as? String
            overrides = overrides ?? object["apiVersions"] as? String
        }
        guard let uri else { throw ValidationError("--workspace-config \(workspaceConfig ?? ""): no \"workspace\" given") }
        let address = try AzureWorkspaceAddress(parsing: uri)
        var versions = APIVersions()
        if let overrides {
            do { versions = try APIVersions(overrides: overrides) } catch { throw ValidationError(error.description) }
        }
        var retry = RetryPolicy()
        if let seconds = ProcessInfo.processInfo.environment["MLGITOPS_ARM_POLL_INTERVAL"].flatMap(Double.init) {
            retry.pollInterval = .milliseconds(Int(seconds * 1000))
        }
        let environment = ProcessInfo.processInfo.environment
        let management = endpoint ?? "https://management.azure.com"
        return AzureMLWorkspace(
            address: address, endpoint: management, credential: .fromEnvironment(),
            versions: versions, retry: retry, stateDirectory: state.state,
            blobEndpoint: environment["MLGITOPS_BLOB_ENDPOINT"] ?? Self.blobEndpoint(forManagement: management),
            storageCredential: environment["AZURE_STORAGE_ACCESS_TOKEN"].map { .accessToken($0) })
    }

    /// Where uploads go unless MLGITOPS_BLOB_ENDPOINT says: Azure's blob service, or for an ARM
    /// endpoint on this machine (`mlgitops-fake-arm`), the emulator's own blob endpoint, so a
    /// first try against the fake needs no more settings than its address.
    static func blobEndpoint(forManagement management: String) -> String {
        let host = URL(string: management)?.host?.lowercased() ?? ""
        let local = host == "localhost" || host == "::1" || host == "[::1]" || host.hasPrefix("127.")
        guard local else { return "https://{account}.blob.core.windows.net" }
        return (management.hasSuffix("/") ? String(management.dropLast()) : management) + "/_blob/{account}"
    }
}
