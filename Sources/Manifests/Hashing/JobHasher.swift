/// The job definition hash: the job's YAML in canonical form with every reference resolved.
enum JobHasher {
    /// Bumped whenever the serialization changes (every job then hashes anew).
    static let version = "mlgitops-job-v1"

    /// Top-level fields that only describe a job: changing them does not make a new job.
    static let descriptiveKeys: Set<String> = Set(["$schema", "name", "display_name", "description", "tags", "experiment_name"])
        .union(ManifestVocabulary.jobReadOnly).union(["parameters"])

    /// SHA-256 over the canonical JSON of the document with the resolutions of `reader`
    /// substituted: code and data paths by content digests, environments of the repository and
    /// inline environments by their environment hashes, component files by their own resolved
    /// canonical form.
    static func hash(_ root: YAMLNode, reader: FieldReader) -> JobDefinitionHash {
        // `{"job":<document>,"serialization":"<version>"}`, keys in canonical order.
        var out: [UInt8] = Array(#"{"job":"#.utf8)
        out.reserveCapacity(2048)
        CanonicalJSON.write(root, under: "", replacing: reader.resolved, excluding: descriptiveKeys, into: &out)
        out.append(contentsOf: #","serialization":"#.utf8)
        CanonicalJSON.string(version).write(to: &out)
        out.append(UInt8(ascii: "}"))
        return JobDefinitionHash(hex: SHA256.hex(of: out))
    }

    static func hash(of value: CanonicalJSON) -> JobDefinitionHash {
        JobDefinitionHash(hex: SHA256.hex(of: value.utf8))
    }
}
