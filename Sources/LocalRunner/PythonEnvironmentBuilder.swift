import Foundation
public import Manifests

/// The local workspace's real builder: a Python virtual environment per content hash, with the
/// conda specification's pip packages installed by pip (see ``EnvironmentRecipe`` for what is
/// honoured and what is only recorded). The log is the build's own output.
public struct PythonEnvironmentBuilder: EnvironmentBuilder {
    /// The interpreter that makes the virtual environments: `MLGITOPS_PYTHON`, else `python3`.
    public static var hostPython: String {
        ProcessInfo.processInfo.environment["MLGITOPS_PYTHON"] ?? "python3"
    }

    /// Extra arguments for every `pip install` (e.g. `--no-index --find-links DIR` offline).
    public var pipArguments: [String]

    public init(pipArguments: [String] = []) {
        self.pipArguments = pipArguments
    }

    public func interpreter(in directory: String) -> String { directory + "/venv/bin/python" }

    public func build(_ environment: Environment, buildID: String, directory: String) async -> EnvironmentBuildResult {
        let recipe = EnvironmentRecipe(environment)
        let manager = FileManager.default
        try? manager.removeItem(atPath: directory)
        do {
            try manager.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            return EnvironmentBuildResult(succeeded: false, log: "cannot create \(directory): \(error.localizedDescription)")
        }
        let logFile = directory + "/build.log"
        try? (recipe.summary(buildID: buildID) + "\n").write(toFile: logFile, atomically: true, encoding: .utf8)
        var environmentVariables = ProcessInfo.processInfo.environment
        environmentVariables["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
        environmentVariables["PYTHONDONTWRITEBYTECODE"] = "1"

        var steps: [[String]] = []
        let venv = directory + "/venv"
        steps.append([Self.hostPython, "-m", "venv"] + (recipe.pipPackages.isEmpty ? ["--without-pip"] : []) + [venv])
        if !recipe.pipPackages.isEmpty {
            steps.append(
                [venv + "/bin/python", "-m", "pip", "install", "--no-input", "--progress-bar", "off"] + pipArguments
                    + recipe.pipPackages)
        }
        for step in steps {
            append("$ \(step.joined(separator: " "))\n", to: logFile)
            let termination: ChildProcess.Termination
            do {
                let child = try ChildProcess.launch(
                    step[0], Array(step.dropFirst()), in: directory, environment: environmentVariables, logFile: logFile)
                termination = await child.wait()
            } catch {
                append("\(error)\n", to: logFile)
                return EnvironmentBuildResult(succeeded: false, log: Self.read(logFile))
            }
            guard termination == .exited(0) else {
                append("build failed: \(step[0]) \(step[1...].prefix(3).joined(separator: " ")) ended with \(termination)\n", to: logFile)
                return EnvironmentBuildResult(succeeded: false, log: Self.read(logFile))
            }
        }
        append("build succeeded: \(interpreter(in: directory))\n", to: logFile)
        return EnvironmentBuildResult(succeeded: true, log: Self.read(logFile))
    }

    private func append(_ text: String, to file: String) {
        guard let handle = FileHandle(forWritingAtPath: file) else { return }
        defer { try? handle.close() }
        _ = try? handle.seekToEnd()
        try? handle.write(contentsOf: Data(text.utf8))
    }

    private static func read(_ file: String) -> String {
        (try? String(contentsOfFile: file, encoding: .utf8)) ?? ""
    }
}
