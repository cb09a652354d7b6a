//! Importing the whole BMS API reference (96 pages under `../shared/reference/bms-api-ref/`) in
//! one call: reading, generating the documents, compiling them and checking every example.
//! Target: at most 1 s. Run with `cargo bench --bench import`.

use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};
use response_contract::{ImportOptions, import_tree};

const CORPUS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/reference/bms-api-ref"
);

fn import_all(c: &mut Criterion) {
    let options = ImportOptions::default();
    let pages = import_tree(Path::new(CORPUS), &options).expect("the reference is readable");
    assert_eq!(pages.len(), 96);
    let mut group = c.benchmark_group("import");
    group.sample_size(20);
    group.bench_function("bms-api-ref/96-pages", |b| {
        b.iter(|| import_tree(black_box(Path::new(CORPUS)), &options).expect("readable"))
    });
    group.finish();
}

criterion_group!(benches, import_all);
criterion_main!(benches);
