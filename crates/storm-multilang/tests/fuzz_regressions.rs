//! Every input the fuzzer ever crashed on, replayed (fuzz/regressions/).

#[test]
fn fuzz_findings_stay_fixed() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/regressions");
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        storm_multilang::fuzzing::check(&std::fs::read(&path).unwrap());
        n += 1;
    }
    assert!(n >= 1, "no regression inputs in {}", dir.display());
}

/// The first finding: garbage whose top-level "id" was the empty string.
#[test]
fn empty_salvaged_id_is_not_failed() {
    let data = std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../fuzz/regressions/empty-salvaged-id.bin"),
    )
    .unwrap();
    let mut input = b"{\"conf\":{},\"context\":{},\"pidDir\":\"/tmp\"}\nend\n".to_vec();
    input.extend_from_slice(&data);
    let mut out = Vec::new();
    struct Nop;
    impl storm_multilang::Bolt for Nop {
        type Error = String;
        fn process(
            &mut self,
            _: &storm_multilang::Tuple<'_>,
            _: &mut storm_multilang::BoltOutput<'_>,
        ) -> Result<(), String> {
            Ok(())
        }
    }
    let _ = storm_multilang::run_bolt_io(Nop, &input[..], &mut out, 4096);
    let text = String::from_utf8(out).unwrap();
    assert!(!text.contains("\"command\":\"fail\",\"id\":\"\""), "{text}");
    assert!(
        text.contains("\"command\":\"error\""),
        "the bad message is still reported: {text}"
    );
}
