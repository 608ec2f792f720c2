public import Workspaces

/// Which Azure ML workspace to reconcile: `azureml://subscriptions/S/resourceGroups/RG/workspaces/WS`.
public struct AzureWorkspaceAddress: Sendable, Hashable, CustomStringConvertible {
    public var subscription: String
    public var resourceGroup: String
    public var workspace: String

    public init(subscription: String, resourceGroup: String, workspace: String) {
        self.subscription = subscription
        self.resourceGroup = resourceGroup
        self.workspace = workspace
    }

    /// Parses the `azureml://` form, or an ARM id of the workspace.
    public init(parsing text: String) throws(WorkspaceError) {
        var rest = text
        if rest.hasPrefix("azureml://") { rest = String(rest.dropFirst("azureml://".count)) }
        let parts = rest.split(separator: "/").map(String.init)
        let lower = parts.map { $0.lowercased() }
        let shortForm = parts.count == 6 && lower[0] == "subscriptions" && lower[2] == "resourcegroups" && lower[4] == "workspaces"
        let idForm = parts.count == 8 && lower[0] == "subscriptions" && lower[2] == "resourcegroups" && lower[4] == "providers"
            && lower[5] == "microsoft.machinelearningservices" && lower[6] == "workspaces"
        guard shortForm || idForm else {
            throw .invalid(detail: "--workspace \(text): expected azureml://subscriptions/<subscription>/resourceGroups/<group>/workspaces/<name>")
        }
        self.init(subscription: parts[1], resourceGroup: parts[3], workspace: parts[idForm ? 7 : 5])
    }

    public var description: String {
        "azureml://subscriptions/\(subscription)/resourceGroups/\(resourceGroup)/workspaces/\(workspace)"
    }

    /// `/subscriptions/S/resourceGroups/RG`.
    public var resourceGroupID: String { "/subscriptions/\(subscription)/resourceGroups/\(resourceGroup)" }

    /// The workspace's ARM id.
    public var workspaceID: String { "\(resourceGroupID)/providers/Microsoft.MachineLearningServices/workspaces/\(workspace)" }

    /// `/subscriptions/S/providers/Microsoft.MachineLearningServices/locations/L`.
    public func locationID(_ location: String) -> String {
        "/subscriptions/\(subscription)/providers/Microsoft.MachineLearningServices/locations/\(location)"
    }
}
