import Foundation
import NIOHTTP1
import Workspaces

/// Puts committed files into the workspace's default blob container, where the requests'
/// `LocalUpload/…` URIs point (the storage data plane, with an AAD token for
/// `https://storage.azure.com/`; the identity needs Storage Blob Data Contributor).
struct BlobUploads: Sendable {
    let client: ARMClient
    /// `https://{account}.blob.core.windows.net`, or a template with `{account}`.
    let endpoint: String

    func containerURL(account: String, container: String) -> String {
        endpoint.replacingOccurrences(of: "{account}", with: account).trimmingTrailingSlash + "/\(container)"
    }

    /// Uploads every file of each upload (a block blob per file; PUT is idempotent).
    func upload(_ uploads: [CommittedUpload], account: String, container: String, from commit: any CommitReader) async throws(WorkspaceError) -> Int {
        var count = 0
        let base = containerURL(account: account, container: container)
        for upload in uploads {
            let files = try await commit.files(under: upload.path)
            let name = ARMBodies.lastComponent(upload.path)
            for file in files {
                // A file path gives that one file under its own name: the blob is the prefix itself.
                let blob = files.count == 1 && file.path == name && !upload.path.hasSuffix("/") && Self.looksLikeFile(upload.path)
                    ? upload.blobPrefix : "\(upload.blobPrefix)/\(file.path)"
                let response = try await client.send(
                    .PUT, "\(base)/\(blob.pathEncoded)", body: Data(file.bytes),
                    headers: [("x-ms-blob-type", "BlockBlob"), ("x-ms-version", "2023-11-03"), ("Content-Type", "application/octet-stream")])
                guard (200..<300).contains(response.status) else {
                    throw ARMErrorMapping.error(response, resource: "blob \(blob)")
                }
                count += 1
            }
        }
        return count
    }

    /// A path whose last component has an extension is taken for a file.
    static func looksLikeFile(_ path: String) -> Bool {
        ARMBodies.lastComponent(path).contains(".")
    }
}
