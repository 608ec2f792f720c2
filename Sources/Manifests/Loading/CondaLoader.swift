/// Reads a conda specification (a `conda_file:` path or an inline mapping).
enum CondaLoader {
    /// Reads the conda file at `path` (repository path); problems are located in that file.
    static func load(file path: String, session: inout LoadSession) -> CondaSpecification? {
        var reader = FieldReader(file: path)
        defer {
            if !session.reportedFiles.contains(path) {
                session.reportedFiles.insert(path)
                session.record(reader)
            }
        }
        guard let outcome = session.document(path) else {
            reader.error(nil, nil, "conda file cannot be read", fix: "commit the conda file as text")
            return nil
        }
        switch outcome {
        case .syntaxError(let message, let line, let column):
            reader.error(YAMLNode.marker(line: line, column: column), nil, "conda file is not valid YAML: \(message)",
                         fix: "fix the YAML syntax of the conda file")
            return nil
        case .parsed(let root):
            guard let root else {
                reader.error(nil, nil, "conda file is empty", fix: "list `channels` and `dependencies` in it")
                return nil
            }
            return read(root, file: path, reader: &reader)
        }
    }

    /// Reads a conda mapping; `file` is nil for an inline specification.
    static func read(_ root: YAMLNode, file: String?, reader: inout FieldReader, field: String = "") -> CondaSpecification? {
        guard root.entries != nil else {
            reader.error(root, field.isEmpty ? nil : field, "a conda specification must be a mapping (found \(root.typeName))",
                         fix: "write `channels:` and `dependencies:` lists")
            return nil
        }
        let name = root["name"]?.text
        var channels: [String] = []
        if let node = root["channels"] {
            if let items = node.items {
                channels = items.compactMap(\.text)
            } else if !node.isNull {
                reader.error(node, FieldPath.join(field, "channels"), "channels must be a list", fix: "write `channels: [conda-forge]`")
            }
        }
        var dependencies: [CondaSpecification.Dependency] = []
        var unpinned: [String] = []
        if let node = root["dependencies"] {
            if let items = node.items {
                for (index, item) in items.enumerated() {
                    if let text = item.text {
                        dependencies.append(.conda(text))
                        if !isPinnedConda(text) { unpinned.append(text) }
                    } else if let pip = item["pip"] {
                        let packages = pip.items?.compactMap(\.text) ?? []
                        if pip.items == nil {
                            reader.error(pip, FieldPath.join(field, "dependencies[\(index)].pip"), "pip must be a list of requirements",
                                         fix: "write `- pip:` followed by `  - package==version` lines")
                        }
                        dependencies.append(.pip(packages))
                        unpinned += packages.filter { !isPinnedPip($0) }
                    } else if item.entries == nil {
                        reader.error(item, FieldPath.join(field, "dependencies[\(index)]"),
                                     "a dependency must be a package or a `pip:` list (found \(item.typeName))",
                                     fix: "write `- package=version` or `- pip: [...]`")
                    }
                }
            } else if !node.isNull {
                reader.error(node, FieldPath.join(field, "dependencies"), "dependencies must be a list",
                             fix: "write `dependencies:` followed by `- package=version` lines")
            }
        }
        if !unpinned.isEmpty {
            reader.warning(root["dependencies"], FieldPath.join(field, "dependencies"),
                           "unpinned packages resolve once, at the first build, and then never move: "
                               + unpinned.map { "`\($0)`" }.joined(separator: ", "),
                           fix: "pin exact versions (`pkg==1.2.3` for pip, `pkg=1.2.3` for conda) so a rebuild is deliberate")
        }
        var canonical: [String: CanonicalJSON] = [:]
        for entry in root.entries ?? [] where entry.key != "name" { canonical[entry.key] = CanonicalJSON(entry.value) }
        return CondaSpecification(
            name: name, channels: channels, dependencies: dependencies, file: file,
            canonicalText: CanonicalJSON.object(canonical).text)
    }

    /// `python=3.10`, `numpy==1.26`, `pkg=1.0=build`: pinned. `numpy`, `numpy>=1`: not.
    static func isPinnedConda(_ spec: String) -> Bool {
        let bytes = Array(spec.utf8)
        for (index, byte) in bytes.enumerated() where byte == UInt8(ascii: "=") {
            let before = index > 0 ? bytes[index - 1] : 0
            if before != UInt8(ascii: ">") && before != UInt8(ascii: "<") && before != UInt8(ascii: "!") { return true }
        }
        return false
    }

    /// `pkg==1.2`, `pkg===1.2`, `pkg @ url`, options (`-r file`, `--index-url`) and URLs count as pinned.
    static func isPinnedPip(_ requirement: String) -> Bool {
        let text = requirement.trimmingSpaces
        if text.hasPrefix("-") || text.containsBytes("://") || text.containsBytes(" @ ") || text.hasPrefix("git+") { return true }
        return text.containsBytes("==")
    }
}
