import FineXLSupport
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The files of a model that FineXL reads; only these are downloaded.
package struct HubFiles: Sendable, Equatable {
    package var required: [String]
    /// Fetched along with the required files when the hub has them; never a reason to go online.
    package var optional: [String]

    package init(required: [String], optional: [String] = []) {
        self.required = required
        self.optional = optional
    }

    /// A transformers CLIPModel folder as FineXL's CLIP loader reads it.
    package static let clip = HubFiles(required: ["config.json", "model.safetensors", "vocab.json", "merges.txt"],
                                      optional: ["preprocessor_config.json"])
}

/// Finds a hub model in the Hugging Face cache, or downloads the missing files into it
/// the way `huggingface_hub.hf_hub_download` does, and returns the snapshot folder.
package struct HubResolver: Sendable {
    package var settings: HubSettings

    package init(settings: HubSettings = HubSettings()) {
        self.settings = settings
    }

    /// The folder for `reference`: a folder as it is, a hub id through the cache.
    package func folder(for reference: ModelReference, files: HubFiles = .clip) throws -> URL {
        switch reference {
        case .folder(let url): return url
        case .hub(let id): return try resolve(id, files: files)
        }
    }

    /// The snapshot folder holding `files` of `id` (the optional ones when the hub has them).
    package func resolve(_ id: HubModelID, files: HubFiles = .clip) throws -> URL {
        let cache = HubCache(root: settings.cache, repository: id.repository)
        let revision = id.revision ?? "main"
        let cachedCommit = cache.commit(for: revision)
        if let commit = cachedCommit, files.required.allSatisfy({ cache.has($0, at: commit) }) {
            return cache.snapshot(commit)
        }
        if settings.offline {
            let missing = cachedCommit.map { commit in files.required.filter { !cache.has($0, at: commit) } } ?? files.required
            let found = cachedCommit == nil ? "revision \(revision) is not in the cache"
                : "the cached snapshot lacks \(missing.joined(separator: ", "))"
            throw HubError(.offlineMissing, "model \(id) is not in the Hugging Face cache \(settings.cache.path) "
                + "(\(found)) and HF_HUB_OFFLINE is set, so nothing was downloaded; "
                + "get it with `\(Self.downloadCommand(id, files: files))`")
        }

        var commit: String?
        let progress = HubProgress(enabled: settings.showProgress)
        defer { progress.finish() }
        for file in files.required + files.optional {
            let isOptional = !files.required.contains(file)
            if let commit, cache.has(file, at: commit) || (isOptional && cache.isKnownMissing(file, at: commit)) { continue }
            let metadata: HubFileMetadata
            do {
                // Once the first answer names the commit, every other file is asked for at that
                // commit, so a branch moving mid-download cannot mix two versions.
                metadata = try HubFileMetadata.fetch(id: id, revision: commit ?? revision, file: file,
                                                     settings: settings)
            } catch let missing as HubFileMetadata.EntryMissing where isOptional {
                if let at = commit ?? missing.commit { try cache.markMissing(file, at: at) }
                continue
            } catch let missing as HubFileMetadata.EntryMissing {
                throw missing.error
            }
            if commit == nil { commit = metadata.commit }
            let snapshotCommit = commit!
            if cache.has(file, at: snapshotCommit) { continue }
            try HubDownload(id: id, file: file, metadata: metadata, cache: cache, settings: settings)
                .run(progress: progress)
            // Linked only now: the blob is complete and verified, so a snapshot never shows a partial file.
            try cache.link(file, at: snapshotCommit, to: metadata.etag)
        }
        guard let commit else {
            throw HubError(.transferFailed, "the hub at \(settings.endpoint.absoluteString) named no commit for \(id)")
        }
        try cache.record(revision, commit: commit)
        return cache.snapshot(commit)
    }

    /// The `huggingface-cli` line that fills the cache with what FineXL needs.
    package static func downloadCommand(_ id: HubModelID, files: HubFiles = .clip) -> String {
        var command = "huggingface-cli download \(id.repository) " + (files.required + files.optional).joined(separator: " ")
        if let revision = id.revision { command += " --revision \(revision)" }
        return command
    }
}
