/// The environment content hash: what the image is built from, nothing else.
enum EnvironmentHasher {
    /// Bumped whenever the serialization changes (every environment then hashes anew).
    static let version = "mlgitops-environment-v1"

    /// SHA-256 over the canonical JSON of image, build context (content digest, or URL, and
    /// Dockerfile path) and conda canonical text. Name, version, description, tags and OS type
    /// are not part of it.
    static func hash(_ definition: EnvironmentDefinition) -> EnvironmentHash {
        EnvironmentHash(hex: SHA256.hex(of: canonical(definition).utf8))
    }

    static func canonical(_ definition: EnvironmentDefinition) -> CanonicalJSON {
        .object([
            ("serialization", .string(version)),
            ("image", .optional(definition.image)),
            ("build", definition.build.map { build in
                .object([
                    ("context", .string(build.contentDigest.isEmpty ? build.path : build.contentDigest)),
                    ("dockerfile", .string(build.dockerfilePath)),
                ])
            }),
            ("conda", .optional(definition.conda?.canonicalText)),
        ])
    }
}
