//! Refreshing the listing's JSON Schema documents (`type: x-json-schema`): Atlassian's ADF schema comes from the npm
//! package its `url` names (`https://registry.npmjs.org/@atlaskit/adf-schema`): the registry's metadata gives the
//! latest version's tarball, whose `json-schema/v1/full.json` is the schema. A download that fails, or a file that
//! is not a draft-04 schema the generator can lower, changes nothing.

use std::io::Read;
use std::path::Path;
use std::time::Duration;

use generator::load::{Listing, SchemaSource};
use serde_json::Value;

/// Where the schema is inside the package (the first one present wins).
const PATHS_IN_PACKAGE: [&str; 2] = ["package/dist/json-schema/v1/full.json", "package/json-schema/v1/full.json"];

/// A new copy of a schema, checked.
pub struct FetchedSchema<'l> {
    pub source: &'l SchemaSource,
    /// Where it came from: the tarball's URL or a local file.
    pub origin: String,
    pub bytes: Vec<u8>,
    /// The package version (`local` for a file of `--from`).
    pub version: String,
}

/// Fetches every schema of the listing (or none when `only` names a spec); failures are returned as messages.
pub fn fetch_schemas<'l>(
    listing: &'l Listing,
    only: Option<&str>,
    from: Option<&str>,
    get: &dyn Fn(&str) -> Result<Vec<u8>, String>,
) -> (Vec<FetchedSchema<'l>>, Vec<String>) {
    let mut fetched = Vec::new();
    let mut failures = Vec::new();
    for source in listing.schemas.iter().filter(|s| only.is_none_or(|name| name == s.name)) {
        match fetch_schema(source, from, get) {
            Ok(schema) => fetched.push(schema),
            Err(message) => failures.push(message),
        }
    }
    (fetched, failures)
}

fn fetch_schema<'l>(
    source: &'l SchemaSource,
    from: Option<&str>,
    get: &dyn Fn(&str) -> Result<Vec<u8>, String>,
) -> Result<FetchedSchema<'l>, String> {
    let (origin, bytes, version) = match from {
        Some(dir) if Path::new(dir).is_dir() => {
            let path = Path::new(dir).join(&source.file);
            let bytes = std::fs::read(&path).map_err(|error| format!("{}: {error}", path.display()))?;
            (path.display().to_string(), bytes, "local".to_owned())
        }
        Some(mirror) if mirror.starts_with("http://") || mirror.starts_with("https://") => {
            let url = format!("{}/{}", mirror.trim_end_matches('/'), source.file);
            let bytes = get(&url).map_err(|reason| format!("{url}: {reason}"))?;
            (url, bytes, "mirror".to_owned())
        }
        _ => {
            let metadata = get(&source.url).map_err(|reason| format!("{}: {reason}", source.url))?;
            let (version, tarball) = latest_tarball(&metadata).map_err(|reason| format!("{}: {reason}", source.url))?;
            let archive = get(&tarball).map_err(|reason| format!("{tarball}: {reason}"))?;
            let bytes = schema_in_package(&archive).map_err(|reason| format!("{tarball}: {reason}"))?;
            (tarball, bytes, version)
        }
    };
    check(source, &origin, &bytes)?;
    Ok(FetchedSchema { source, origin, bytes, version })
}

/// The latest version and its tarball URL, from npm registry metadata.
pub fn latest_tarball(metadata: &[u8]) -> Result<(String, String), String> {
    let metadata: Value = serde_json::from_slice(metadata).map_err(|e| format!("not npm registry metadata: {e}"))?;
    let version = metadata
        .pointer("/dist-tags/latest")
        .and_then(Value::as_str)
        .ok_or("not npm registry metadata: no `dist-tags.latest`")?;
    let tarball = metadata
        .get("versions")
        .and_then(|versions| versions.get(version))
        .and_then(|v| v.pointer("/dist/tarball"))
        .and_then(Value::as_str)
        .ok_or_else(|| format!("no tarball for version {version}"))?;
    Ok((version.to_owned(), tarball.to_owned()))
}

/// The schema file inside a package tarball (`.tgz`).
pub fn schema_in_package(archive: &[u8]) -> Result<Vec<u8>, String> {
    let mut found = std::collections::BTreeMap::new();
    let mut tar = tar::Archive::new(flate2::read::GzDecoder::new(archive));
    let entries = tar.entries().map_err(|e| format!("not a gzipped tarball: {e}"))?;
    for entry in entries {
        let mut entry = entry.map_err(|e| format!("a broken tarball: {e}"))?;
        let path = entry.path().map_err(|e| format!("a broken tarball: {e}"))?.to_string_lossy().into_owned();
        if PATHS_IN_PACKAGE.contains(&path.as_str()) {
            let mut bytes = Vec::new();
            entry.read_to_end(&mut bytes).map_err(|e| format!("a broken tarball: {e}"))?;
            found.insert(path, bytes);
        }
    }
    PATHS_IN_PACKAGE
        .iter()
        .find_map(|path| found.remove(*path))
        .ok_or_else(|| format!("the package has no {}", PATHS_IN_PACKAGE.join(" or ")))
}

/// The new copy must be a draft-04 schema that the generator lowers (a tagged document tree with a root).
fn check(source: &SchemaSource, origin: &str, bytes: &[u8]) -> Result<(), String> {
    let label = Path::new(origin);
    let document = generator::load::json_schema::parse_schema(label, bytes).map_err(|e| e.to_string())?;
    let loaded = generator::load::LoadedSchema { source: source.clone(), path: label.to_owned(), document };
    generator::lower::json_schema::lower_schema(&loaded, Vec::new()).map_err(|e| e.to_string())?;
    Ok(())
}

/// `get` for [`fetch_schemas`] over a blocking client.
pub fn getter(client: &reqwest::blocking::Client, timeout: Duration) -> impl Fn(&str) -> Result<Vec<u8>, String> + '_ {
    move |url: &str| super::download(client, url, "adf", timeout)
}

#[cfg(test)]
mod tests {
    use super::*;

    const URL: &str = "http://127.0.0.1:9/@atlaskit/adf-schema";
    const TARBALL: &str = "http://127.0.0.1:9/@atlaskit/adf-schema/-/adf-schema-99.0.0.tgz";

    fn full_json() -> Vec<u8> {
        std::fs::read(crate::project_root().join("specs/adf/full.json")).expect("specs/adf/full.json")
    }

    fn tarball(path: &str, bytes: &[u8]) -> Vec<u8> {
        let mut builder = tar::Builder::new(flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast()));
        let mut header = tar::Header::new_gnu();
        header.set_size(bytes.len() as u64);
        header.set_mode(0o644);
        header.set_cksum();
        builder.append_data(&mut header, path, bytes).expect("append");
        builder.into_inner().expect("tar").finish().expect("gzip")
    }

    fn metadata() -> Vec<u8> {
        serde_json::to_vec(&serde_json::json!({
            "dist-tags": {"latest": "99.0.0"},
            "versions": {"99.0.0": {"dist": {"tarball": TARBALL}}}
        }))
        .expect("json")
    }

    fn listing(dir: &Path) -> Listing {
        let text = format!(
            "apis: []\nx-common:\n- type: x-openapi\n  url: http://127.0.0.1:9/t.json\n  x-file: t.json\n  x-spec: t\n\
             - type: x-json-schema\n  url: {URL}\n  x-file: adf/full.json\n  x-spec: adf\n"
        );
        std::fs::write(dir.join("apis.yaml"), text).expect("write listing");
        Listing::load(&dir.join("apis.yaml")).expect("listing")
    }

    fn serve(archive: Vec<u8>) -> impl Fn(&str) -> Result<Vec<u8>, String> {
        move |url: &str| match url {
            URL => Ok(metadata()),
            TARBALL => Ok(archive.clone()),
            other => Err(format!("HTTP 404 for {other}")),
        }
    }

    #[test]
    fn the_schema_comes_from_the_latest_tarball_of_the_npm_package() {
        let dir = tempfile::tempdir().expect("temp dir");
        let listing = listing(dir.path());
        let get = serve(tarball("package/json-schema/v1/full.json", &full_json()));
        let (fetched, failures) = fetch_schemas(&listing, None, None, &get);
        assert_eq!(failures, Vec::<String>::new());
        assert_eq!(fetched.len(), 1);
        assert_eq!(fetched[0].version, "99.0.0");
        assert_eq!(fetched[0].origin, TARBALL);
        assert_eq!(fetched[0].bytes, full_json());
        // `--only` another spec leaves the schema alone.
        assert!(fetch_schemas(&listing, Some("t"), None, &get).0.is_empty());
    }

    #[test]
    fn a_failed_download_a_package_without_the_schema_or_another_file_is_an_error_naming_it() {
        let dir = tempfile::tempdir().expect("temp dir");
        let listing = listing(dir.path());
        let cases = [
            (tarball("package/README.md", b"hello"), "the package has no package/dist/json-schema/v1/full.json"),
            (tarball("package/json-schema/v1/full.json", b"{\"openapi\":\"3.0.1\"}"), "no `$schema`"),
            (b"not a tarball".to_vec(), "tarball"),
        ];
        for (archive, reason) in cases {
            let (fetched, failures) = fetch_schemas(&listing, None, None, &serve(archive));
            assert!(fetched.is_empty());
            assert_eq!(failures.len(), 1);
            assert!(failures[0].contains(reason), "{}", failures[0]);
        }
        let offline = |url: &str| Err::<Vec<u8>, _>(format!("connection refused ({url})"));
        let (_, failures) = fetch_schemas(&listing, None, None, &offline);
        assert!(failures[0].starts_with(URL) && failures[0].contains("connection refused"), "{}", failures[0]);
    }

    #[test]
    fn a_draft_04_schema_that_is_no_document_tree_is_refused() {
        let dir = tempfile::tempdir().expect("temp dir");
        let listing = listing(dir.path());
        let other = br##"{"$schema":"http://json-schema.org/draft-04/schema#","$ref":"#/definitions/a","definitions":{"a":{"type":"string"}}}"##;
        let (_, failures) =
            fetch_schemas(&listing, None, None, &serve(tarball("package/json-schema/v1/full.json", other)));
        assert!(failures[0].contains("the root definition has no one-value `type` enum"), "{}", failures[0]);
    }
}
