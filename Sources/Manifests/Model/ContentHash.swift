/// The content hash of an environment's definition: image, build context content and
/// Dockerfile path, conda specification (canonical form, order kept). Name, version,
/// description and tags are not part of it.
public struct EnvironmentHash: Sendable, Hashable, Codable, CustomStringConvertible {
    /// 64 lowercase hexadecimal characters (SHA-256).
    public var hex: String
    public init(hex: String) { self.hex = hex }
    public var description: String { hex }
    /// The first 12 characters, for people.
    public var short: String { String(hex.prefix(12)) }
}

/// The hash of a job's resolved definition, including the hashes of the environments it uses
/// and of its committed code folders. Equal hash, same job: it is submitted once.
public struct JobDefinitionHash: Sendable, Hashable, Codable, CustomStringConvertible {
    /// 64 lowercase hexadecimal characters (SHA-256).
    public var hex: String
    public init(hex: String) { self.hex = hex }
    public var description: String { hex }
    /// The first 10 characters, used in deterministic job names.
    public var short: String { String(hex.prefix(10)) }
}
