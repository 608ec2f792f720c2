public import GitSource

/// Reads every manifest under a folder of a snapshot into a ``DesiredState``.
///
/// INTERFACE STUB: the manifests work replaces this with the real loader, keeping the signature.
public enum ManifestLoader {
    /// Loads every `*.yml`/`*.yaml` file under `path` (repository-relative; `""` or `.` for the
    /// root). Never throws: every problem becomes a ``Diagnostic``.
    public static func load(_ snapshot: Snapshot, path: String) -> DesiredState {
        DesiredState(commit: snapshot.commit)
    }
}
