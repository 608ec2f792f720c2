import Foundation

/// The complete process environment of a step: nothing of the runner's own environment leaks
/// in except what a program needs to find its way (`HOME`, locale, temp folder), so a step
/// behaves the same under `jobs run`, `reconcile --wait` and a scheduled `sync`.
enum StepEnvironment {
    static func variables(
        interpreter: String, job: String, step: String, declared: [String: String],
        inputs: [String: ResolvedInput], outputs: [String: ResolvedOutput]
    ) -> [String: String] {
        let host = ProcessInfo.processInfo.environment
        var variables: [String: String] = [:]
        for key in ["HOME", "LANG", "LC_ALL", "TMPDIR", "USER", "LOGNAME", "TZ"] { variables[key] = host[key] }
        let bin = (interpreter as NSString).deletingLastPathComponent
        variables["PATH"] = [bin, host["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"].joined(separator: ":")
        variables["PYTHONUNBUFFERED"] = "1"
        variables["PYTHONDONTWRITEBYTECODE"] = "1"
        // The names Azure ML gives a run's variables, so scripts that read them work here too.
        variables["AZUREML_RUN_ID"] = job
        variables["AZUREML_STEP_NAME"] = step
        for (name, input) in inputs where input.isData { variables["AZURE_ML_INPUT_\(name)"] = input.text }
        for (name, output) in outputs { variables["AZURE_ML_OUTPUT_\(name)"] = output.path }
        for (key, value) in declared { variables[key] = value }
        return variables
    }
}

/// The machine's own Python, for steps whose environment has no local build (a curated or
/// registry environment): resolved once to a real binary, with a folder that also offers it
/// as `python`, which Debian's `/usr/bin` lacks.
enum HostPython {
    /// The interpreter path, inside a folder of `stateDirectory` that maps `python` and
    /// `python3` to the real binary.
    static func interpreter(stateDirectory: String, python: String) -> String {
        let real = resolve(python) ?? python
        let bin = stateDirectory + "/host-python/bin"
        let manager = FileManager.default
        try? manager.createDirectory(atPath: bin, withIntermediateDirectories: true)
        for name in ["python", "python3"] {
            let link = bin + "/" + name
            if (try? manager.destinationOfSymbolicLink(atPath: link)) != real {
                try? manager.removeItem(atPath: link)
                try? manager.createSymbolicLink(atPath: link, withDestinationPath: real)
            }
        }
        return bin + "/python3"
    }

    /// `sys.executable` of `python`: the binary behind a pyenv shim or a PATH name.
    static func resolve(_ python: String) -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [python, "-c", "import sys; print(sys.executable)"]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return nil }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        let path = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return path.isEmpty ? nil : path
    }
}
