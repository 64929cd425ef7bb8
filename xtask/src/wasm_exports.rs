//! Drops the split exports that nothing imports from a linked wasm module, before
//! the splitter reads it.
//!
//! `lazy_fn!` (through `wasm_split`) exports each split body under a fixed name and
//! imports it where it is called. A library's split function that the app never
//! calls (the equal page never opens a popup) keeps its export: the linker keeps every
//! exported symbol, and wasm-split-cli 0.2.4 then leaves the function, and all it
//! reaches, in the main module ("No corresponding imports for split export(s)").
//! Without the export the code is dead, and nothing of it is shipped.
//!
//! Only the export section changes; the sections after it move, and the relocation
//! sections count offsets from their own section's start, so they stay true.

/// The export section's id.
const EXPORT_SECTION: u8 = 7;
/// The import section's id.
const IMPORT_SECTION: u8 = 2;

/// `wasm` without the exports named `__wasm_split_00<m>00_export_<id>` whose
/// `…_import_<id>` the module does not import; and the names dropped.
pub fn without_unused_split_exports(wasm: &[u8]) -> Result<(Vec<u8>, Vec<String>), String> {
    if wasm.len() < 8 || &wasm[..4] != b"\0asm" {
        return Err("not a wasm module".into());
    }
    let sections = sections(wasm)?;
    let imported: Vec<String> = match sections.iter().find(|s| s.id == IMPORT_SECTION) {
        Some(section) => import_names(&wasm[section.body.clone()])?,
        None => Vec::new(),
    };
    let mut out = wasm[..8].to_vec();
    let mut dropped = Vec::new();
    for section in &sections {
        let body = &wasm[section.body.clone()];
        if section.id != EXPORT_SECTION {
            out.push(section.id);
            write_leb(&mut out, body.len() as u64);
            out.extend_from_slice(body);
            continue;
        }
        let mut reader = Reader::new(body);
        let count = reader.leb()?;
        let mut kept = Vec::new();
        let mut kept_count = 0u64;
        for _ in 0..count {
            let start = reader.at;
            let name = reader.name()?;
            reader.byte()?;
            reader.leb()?;
            let unused = name
                .split_once("_export_")
                .filter(|(prefix, _)| prefix.starts_with("__wasm_split_00"))
                .is_some_and(|(prefix, id)| !imported.contains(&format!("{prefix}_import_{id}")));
            if unused {
                dropped.push(name);
            } else {
                kept.extend_from_slice(&body[start..reader.at]);
                kept_count += 1;
            }
        }
        let mut new_body = Vec::new();
        write_leb(&mut new_body, kept_count);
        new_body.extend(kept);
        out.push(section.id);
        write_leb(&mut out, new_body.len() as u64);
        out.extend(new_body);
    }
    Ok((out, dropped))
}

struct Section {
    id: u8,
    body: std::ops::Range<usize>,
}

fn sections(wasm: &[u8]) -> Result<Vec<Section>, String> {
    let mut reader = Reader::new(wasm);
    reader.at = 8;
    let mut sections = Vec::new();
    while reader.at < wasm.len() {
        let id = reader.byte()?;
        let size = usize::try_from(reader.leb()?).map_err(|e| e.to_string())?;
        let start = reader.at;
        let end = start
            .checked_add(size)
            .filter(|&end| end <= wasm.len())
            .ok_or("a section runs past the end of the module")?;
        sections.push(Section {
            id,
            body: start..end,
        });
        reader.at = end;
    }
    Ok(sections)
}

/// The field names of every import.
fn import_names(body: &[u8]) -> Result<Vec<String>, String> {
    let mut reader = Reader::new(body);
    let count = reader.leb()?;
    let mut names = Vec::new();
    for _ in 0..count {
        reader.name()?;
        names.push(reader.name()?);
        match reader.byte()? {
            0x00 => {
                reader.leb()?;
            }
            0x01 => {
                reader.byte()?;
                limits(&mut reader)?;
            }
            0x02 => limits(&mut reader)?,
            0x03 => {
                reader.byte()?;
                reader.byte()?;
            }
            0x04 => {
                reader.byte()?;
                reader.leb()?;
            }
            kind => return Err(format!("unknown import kind {kind}")),
        }
    }
    Ok(names)
}

fn limits(reader: &mut Reader<'_>) -> Result<(), String> {
    let flags = reader.byte()?;
    reader.leb()?;
    if flags & 1 != 0 {
        reader.leb()?;
    }
    Ok(())
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        Self { bytes, at: 0 }
    }

    fn byte(&mut self) -> Result<u8, String> {
        let byte = *self.bytes.get(self.at).ok_or("unexpected end of section")?;
        self.at += 1;
        Ok(byte)
    }

    fn leb(&mut self) -> Result<u64, String> {
        let mut value = 0u64;
        for shift in (0..64).step_by(7) {
            let byte = self.byte()?;
            value |= u64::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                return Ok(value);
            }
        }
        Err("a number is too long".into())
    }

    fn name(&mut self) -> Result<String, String> {
        let len = usize::try_from(self.leb()?).map_err(|e| e.to_string())?;
        let end = self
            .at
            .checked_add(len)
            .filter(|&end| end <= self.bytes.len())
            .ok_or("a name runs past its section")?;
        let name = String::from_utf8_lossy(&self.bytes[self.at..end]).into_owned();
        self.at = end;
        Ok(name)
    }
}

fn write_leb(out: &mut Vec<u8>, mut value: u64) {
    loop {
        let byte = (value & 0x7f) as u8;
        value >>= 7;
        if value == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(out: &mut Vec<u8>, text: &str) {
        write_leb(out, text.len() as u64);
        out.extend_from_slice(text.as_bytes());
    }

    fn section(out: &mut Vec<u8>, id: u8, body: &[u8]) {
        out.push(id);
        write_leb(out, body.len() as u64);
        out.extend_from_slice(body);
    }

    /// A module importing one split body and exporting two (one unused), with a
    /// custom section after the exports.
    fn module() -> Vec<u8> {
        let mut wasm = b"\0asm\x01\0\0\0".to_vec();
        let mut imports = vec![1];
        name(&mut imports, "__wasm_split_placeholder__");
        name(&mut imports, "__wasm_split_00page00_import_ab_view");
        imports.extend([0x00, 0x00]);
        section(&mut wasm, IMPORT_SECTION, &imports);
        let mut exports = vec![3];
        for (export, index) in [
            ("__wasm_split_00page00_export_ab_view", 1),
            ("__wasm_split_00popup00_export_cd_login", 2),
            ("memory", 0),
        ] {
            name(&mut exports, export);
            exports.extend([if export == "memory" { 2 } else { 0 }, index]);
        }
        section(&mut wasm, EXPORT_SECTION, &exports);
        let mut custom = Vec::new();
        name(&mut custom, "reloc.CODE");
        custom.extend([1, 2, 3]);
        section(&mut wasm, 0, &custom);
        wasm
    }

    fn export_names(wasm: &[u8]) -> Vec<String> {
        let section = sections(wasm)
            .unwrap()
            .into_iter()
            .find(|s| s.id == EXPORT_SECTION)
            .unwrap();
        let mut reader = Reader::new(&wasm[section.body]);
        let count = reader.leb().unwrap();
        (0..count)
            .map(|_| {
                let name = reader.name().unwrap();
                reader.byte().unwrap();
                reader.leb().unwrap();
                name
            })
            .collect()
    }

    #[test]
    fn only_split_exports_nobody_imports_are_dropped() {
        let (out, dropped) = without_unused_split_exports(&module()).unwrap();
        assert_eq!(dropped, ["__wasm_split_00popup00_export_cd_login"]);
        assert_eq!(
            export_names(&out),
            ["__wasm_split_00page00_export_ab_view", "memory"]
        );
        // The section after the exports is carried over whole.
        let last = sections(&out).unwrap().pop().unwrap();
        assert_eq!(&out[last.body.clone()][last.body.len() - 3..], [1, 2, 3]);
    }

    #[test]
    fn a_module_with_every_split_imported_is_unchanged() {
        let (first, _) = without_unused_split_exports(&module()).unwrap();
        let (again, dropped) = without_unused_split_exports(&first).unwrap();
        assert!(dropped.is_empty());
        assert_eq!(again, first);
        assert!(without_unused_split_exports(b"not wasm").is_err());
    }
}
