//! The JSON formats against the schemas of `grader/core/tests/schemas/`, written from the
//! platforms' specifications. Shared by grader-core's `formats` tests and the kit's end-to-end
//! `formats_cli` test (which includes this file by path), so both hold the output to one schema.

use serde_json::Value;
use std::path::{Path, PathBuf};

/// `grader/core/tests/schemas/`, found from whichever crate of the kit includes this file.
fn schemas() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .map(|dir| dir.join("grader/core/tests/schemas"))
        .find(|dir| dir.is_dir())
        .expect("the kit holds grader/core/tests/schemas")
}

/// The validator of `grader/core/tests/schemas/<schema>`.
pub fn validator(schema: &str) -> jsonschema::Validator {
    let path = schemas().join(schema);
    let shown = path.display();
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{shown}: {e}"));
    let schema: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{shown} is not JSON: {e}"));
    jsonschema::validator_for(&schema).unwrap_or_else(|e| panic!("{shown} is not a JSON Schema: {e}"))
}

/// Parses `text` as JSON and validates it against the schema, listing every error.
pub fn validated(schema: &str, text: &str) -> Value {
    let validator = validator(schema);
    let instance: Value =
        serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}): {text:.2000}"));
    let errors: Vec<String> = validator
        .iter_errors(&instance)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{schema}: {}", errors.join("\n"));
    instance
}

pub fn tests_of(value: &Value) -> &Vec<Value> {
    value["tests"].as_array().expect("tests is an array")
}
