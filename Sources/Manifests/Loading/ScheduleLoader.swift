/// Reads schedules (`trigger` + `create_job`); the job file a schedule creates is its template.
enum ScheduleLoader {
    /// The job file a schedule's `create_job` names, if any (repository path), found before any
    /// job is loaded so that templates are not submitted as jobs of their own.
    static func templatePath(_ root: YAMLNode, file: String) -> String? {
        var reference = root["create_job"]?.string
        if reference == nil { reference = root["create_job"]?["job"]?.string }
        guard var text = reference, !text.lowercased().hasPrefix("azureml:") else { return nil }
        if text.hasPrefix("file:") { text = String(text.dropFirst(5)) }
        if case .inside(let path) = RepositoryPath.resolve(text, from: RepositoryPath.folder(of: file)) { return path }
        return nil
    }

    static func load(
        _ root: YAMLNode, reader: inout FieldReader, session: inout LoadSession, index: RepositoryIndex
    ) -> Schedule? {
        reader.checkKeys(root, "", allowed: ManifestVocabulary.schedule, kind: "a schedule")
        let name = reader.requiredString(root, "name", "name", fix: "add `name: <schedule_name>`")
        let displayName = reader.string(root["display_name"], "display_name")
        let description = reader.string(root["description"], "description")
        let tags = reader.stringMap(root["tags"], "tags", valuesMustBeStrings: false)
        _ = reader.stringMap(root["properties"], "properties")
        let trigger = readTrigger(root["trigger"], reader: &reader, parent: root)

        var job: Job?
        var sourceJob: String?
        var overrides: CanonicalJSON = .null
        var jobReferenceNode: YAMLNode?
        if let createJob = root["create_job"] {
            if createJob.string != nil {
                jobReferenceNode = createJob
            } else if let map = reader.mapping(createJob, "create_job") {
                reader.checkKeys(map, "create_job", allowed: ManifestVocabulary.createJob, kind: "create_job")
                if map["type"] != nil { _ = reader.enumeration(map["type"], "create_job.type", ["pipeline", "command", "spark"]) }
                if let settings = map["settings"], let settingsMap = reader.mapping(settings, "create_job.settings") {
                    _ = reader.bool(settingsMap["continue_on_step_failure"], "create_job.settings.continue_on_step_failure")
                    _ = reader.bool(settingsMap["force_rerun"], "create_job.settings.force_rerun")
                }
                _ = PortsReader.inputs(map["inputs"], field: "create_job.inputs", owner: .step, reader: &reader, session: &session)
                jobReferenceNode = map["job"]
                if map["job"] == nil {
                    reader.error(map, "create_job.job", "missing required field `job`", fix: "add `job: ./pipeline.yml` (or `azureml:<job>`)")
                }
                var members: [(String, CanonicalJSON?)] = []
                for entry in map.entries ?? [] where entry.key != "job" { members.append((entry.key, CanonicalJSON(entry.value))) }
                overrides = .object(members)
            }
        } else {
            reader.error(root, "create_job", "missing required field `create_job`", fix: "add `create_job: ./job.yml`")
        }
        let jobField = root["create_job"]?.entries != nil ? "create_job.job" : "create_job"
        if let referenceNode = jobReferenceNode, let reference = reader.string(referenceNode, jobField) {
            if reference.lowercased().hasPrefix("azureml:") {
                sourceJob = String(reference.dropFirst("azureml:".count))
            } else if let path = templatePath(root, file: reader.file) {
                job = loadTemplate(path, reference: reference, node: referenceNode, field: jobField, scheduleName: name, reader: &reader,
                                   session: &session, index: index)
            } else {
                reader.error(referenceNode, jobField, "job file `\(reference)` is outside the repository", fix: "keep the job file in the repository")
            }
        }
        guard let name, let trigger, job != nil || sourceJob != nil else { return nil }
        let hash = JobHasher.hash(of: .object([
            ("serialization", .string("mlgitops-schedule-v1")),
            ("trigger", root["trigger"].map(CanonicalJSON.init)),
            ("job", job.map { .string($0.hash.hex) } ?? .optional(sourceJob)),
            ("overrides", overrides),
        ]))
        return Schedule(name: name, displayName: displayName, description: description, tags: tags, trigger: trigger, job: job,
                        sourceJob: sourceJob, hash: hash, source: reader.location(root))
    }

    private static func loadTemplate(
        _ path: String, reference: String, node: YAMLNode, field: String, scheduleName: String?, reader: inout FieldReader,
        session: inout LoadSession, index: RepositoryIndex
    ) -> Job? {
        guard session.isFile(path), let outcome = session.document(path) else {
            reader.error(node, field, "No such file or directory: job file `\(reference)` (resolved to `\(path)`) is not in the commit",
                         fix: "commit the job file or fix the path (it is relative to this file)")
            return nil
        }
        var templateReader = FieldReader(file: path)
        defer { session.record(templateReader) }
        switch outcome {
        case .syntaxError(let message, let line, let column):
            templateReader.error(.marker(line: line, column: column), nil, "invalid YAML: \(message)", fix: "fix the YAML syntax")
            return nil
        case .parsed(let root):
            guard let root, root.entries != nil else {
                templateReader.error(root, nil, "a job file must be a mapping", fix: "write the job's fields as `key: value` lines")
                return nil
            }
            let kind = ManifestClassifier.classify(root)
            guard kind == .pipelineJob || kind == .commandJob else {
                reader.error(node, field, "`\(reference)` is not a pipeline job", fix: "point create_job at a pipeline job file")
                return nil
            }
            // The SDK (1.35) refuses to schedule anything but a pipeline job at submit time.
            if kind == .commandJob {
                reader.error(node, field, "Unsupported job type 'CommandJob' in schedule \(scheduleName ?? "?").",
                             fix: "schedule a pipeline job: wrap the command in a one-step `type: pipeline` file")
            }
            return JobLoader.load(root, kind: kind, reader: &templateReader, session: &session, index: index)
        }
    }

    private static func readTrigger(_ node: YAMLNode?, reader: inout FieldReader, parent: YAMLNode) -> ScheduleTrigger? {
        guard let node else {
            reader.error(parent, "trigger", "missing required field `trigger`", fix: "add a `trigger:` with `type: cron` or `type: recurrence`")
            return nil
        }
        guard let trigger = reader.mapping(node, "trigger") else { return nil }
        guard trigger["type"] != nil else {
            reader.error(trigger, "trigger.type", "missing required field `type`", fix: "add `type: cron` or `type: recurrence`")
            return nil
        }
        guard let type = reader.enumeration(trigger["type"], "trigger.type", ["cron", "recurrence"]) else { return nil }
        let timeZone = reader.string(trigger["time_zone"], "trigger.time_zone") ?? "UTC"
        let start = time(trigger["start_time"], "trigger.start_time", reader: &reader)
        let end = time(trigger["end_time"], "trigger.end_time", reader: &reader)
        if type == "cron" {
            reader.checkKeys(trigger, "trigger", allowed: ManifestVocabulary.cronTrigger, kind: "a cron trigger")
            guard let expression = reader.requiredString(trigger, "expression", "trigger.expression", fix: "add `expression: \"0 2 * * *\"`")
            else { return nil }
            let fields = expression.split(whereSeparator: { $0 == " " || $0 == "\t" })
            if fields.count != 5 {
                reader.error(trigger["expression"], "trigger.expression",
                             "a cron expression has 5 fields (minute hour day month weekday); found \(fields.count)",
                             fix: "write e.g. `\"30 1 * * *\"` for 01:30 every day")
            }
            return .cron(expression: expression, timeZone: timeZone, startTime: start, endTime: end)
        }
        reader.checkKeys(trigger, "trigger", allowed: ManifestVocabulary.recurrenceTrigger, kind: "a recurrence trigger")
        if trigger["frequency"] == nil {
            reader.error(trigger, "trigger.frequency", "missing required field `frequency`", fix: "add `frequency: day` (minute, hour, day, week, month)")
        }
        if trigger["interval"] == nil {
            reader.error(trigger, "trigger.interval", "missing required field `interval`", fix: "add `interval: 1`")
        }
        let frequency = reader.enumeration(trigger["frequency"], "trigger.frequency", ManifestVocabulary.frequencies)
        let interval = reader.int(trigger["interval"], "trigger.interval")
        var hours: [Int] = [], minutes: [Int] = [], weekDays: [String] = [], monthDays: [Int] = []
        if let pattern = reader.mapping(trigger["schedule"], "trigger.schedule") {
            reader.checkKeys(pattern, "trigger.schedule", allowed: ManifestVocabulary.recurrencePattern, kind: "a recurrence schedule")
            for key in ["hours", "minutes"] where pattern[key] == nil {
                reader.error(pattern, "trigger.schedule.\(key)", "missing required field `\(key)`", fix: "add `\(key): [0]`")
            }
            hours = intList(pattern["hours"], "trigger.schedule.hours", reader: &reader)
            minutes = intList(pattern["minutes"], "trigger.schedule.minutes", reader: &reader)
            monthDays = intList(pattern["month_days"], "trigger.schedule.month_days", reader: &reader)
            if let days = pattern["week_days"] {
                for day in days.items ?? [days] {
                    if let value = reader.enumeration(day, "trigger.schedule.week_days", ManifestVocabulary.weekDays) { weekDays.append(value) }
                }
            }
        }
        guard let frequency, let interval else { return nil }
        return .recurrence(frequency: frequency, interval: interval, hours: hours, minutes: minutes, weekDays: weekDays,
                           monthDays: monthDays, timeZone: timeZone, startTime: start, endTime: end)
    }

    private static func time(_ node: YAMLNode?, _ field: String, reader: inout FieldReader) -> String? {
        guard let node else { return nil }
        if node.scalar?.kind == .timestamp { return node.text }
        return reader.string(node, field)
    }

    private static func intList(_ node: YAMLNode?, _ field: String, reader: inout FieldReader) -> [Int] {
        guard let node else { return [] }
        return (node.items ?? [node]).compactMap { reader.int($0, field) }
    }
}
