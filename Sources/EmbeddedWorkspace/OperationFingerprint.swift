import Workspaces

/// A stable digest of an operation's whole content.
///
/// Some idempotency keys leave part of the content out (`put:quota_policy/NAME` has no limits,
/// `replace:compute/NAME:SIZE` no tier), so a key alone would take a changed definition for
/// the one done before. The journal keeps this digest beside the key: the same key with
/// another digest is judged against the rows instead of being skipped.
enum OperationFingerprint {
    /// FNV-1a (64 bit) over the operation's canonical JSON, as 16 hex digits: stable across
    /// processes and releases, unlike `Hasher`.
    static func of(_ operation: WorkspaceOperation) throws -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in try JSONColumn.encode(operation, column: "operations.fingerprint").utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        let digits = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
