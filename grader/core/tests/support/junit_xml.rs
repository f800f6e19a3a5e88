//! Just enough of a DOM to check the JUnit report's structure: elements with their attributes,
//! children and text, read with quick-xml (the parser quick-junit itself uses), every entity and
//! character reference resolved, so that what is checked is what a CI tool would read.

use quick_xml::XmlVersion;
use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::Event;

#[derive(Debug, Default)]
pub struct Element {
    pub name: String,
    pub attributes: Vec<(String, String)>,
    pub children: Vec<Element>,
    /// The element's own text (CDATA included), not its children's.
    pub text: String,
}

impl Element {
    /// The attribute's value; panics (failing the test) if it is missing.
    pub fn attr(&self, name: &str) -> &str {
        self.attributes
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or_else(|| panic!("<{}> has no attribute `{name}`: {:?}", self.name, self.attributes))
    }

    pub fn children_named(&self, name: &str) -> Vec<&Element> {
        self.children.iter().filter(|e| e.name == name).collect()
    }

    /// `<properties><property name value/>…</properties>` as (name, value) pairs, in order.
    pub fn properties(&self) -> Vec<(String, String)> {
        let blocks = self.children_named("properties");
        assert!(blocks.len() <= 1, "<{}> has one <properties> at most", self.name);
        blocks
            .iter()
            .flat_map(|p| p.children_named("property"))
            .map(|p| (p.attr("name").to_owned(), p.attr("value").to_owned()))
            .collect()
    }

    /// This element and all below it, depth first.
    pub fn descendants(&self) -> Vec<&Element> {
        let mut all = vec![self];
        for child in &self.children {
            all.extend(child.descendants());
        }
        all
    }
}

/// XML 1.0's `Char` production (https://www.w3.org/TR/xml/#charsets), written here again rather
/// than borrowed from the grader, so that a mistake there cannot hide itself.
fn allowed(c: char) -> bool {
    let c = u32::from(c);
    c == 0x9
        || c == 0xA
        || c == 0xD
        || (0x20..=0xD7FF).contains(&c)
        || (0xE000..=0xFFFD).contains(&c)
        || c >= 0x10000
}

/// Panics unless every character of `text` is one XML 1.0 allows (which rules out ESC, and so
/// ANSI escapes, too).
pub fn assert_only_xml_chars(what: &str, text: &str) {
    if let Some(bad) = text.chars().find(|&c| !allowed(c)) {
        panic!("{what} holds U+{:04X}, which XML 1.0 forbids", bad as u32);
    }
}

/// The document's root element. Panics (failing the test) on XML that is not well-formed, and on
/// any character XML forbids, whether written as is or as a character reference.
pub fn parse(xml: &str) -> Element {
    let mut reader = quick_xml::Reader::from_str(xml);
    reader.config_mut().check_end_names = true;
    let mut stack: Vec<Element> = vec![Element::default()];
    loop {
        let event = reader
            .read_event()
            .unwrap_or_else(|e| panic!("not well-formed at byte {}: {e}", reader.buffer_position()));
        match event {
            Event::Start(ref start) | Event::Empty(ref start) => {
                let is_empty = matches!(event, Event::Empty(_));
                let name = String::from_utf8(start.name().as_ref().to_vec()).expect("a UTF-8 name");
                let attributes = start
                    .attributes()
                    .map(|a| {
                        let a = a.expect("a well-formed attribute");
                        let key = String::from_utf8(a.key.as_ref().to_vec()).expect("a UTF-8 key");
                        let value = a
                            .normalized_value(XmlVersion::Implicit1_0)
                            .expect("a valid value");
                        assert_only_xml_chars(&format!("attribute {key} of <{name}>"), &value);
                        (key, value.into_owned())
                    })
                    .collect();
                let element = Element {
                    name,
                    attributes,
                    ..Element::default()
                };
                if is_empty {
                    top(&mut stack).children.push(element);
                } else {
                    stack.push(element);
                }
            }
            Event::End(_) => {
                let done = stack.pop().expect("an open element");
                top(&mut stack).children.push(done);
            }
            Event::Text(text) => {
                let text = text.xml_content(XmlVersion::Implicit1_0).expect("UTF-8 text");
                top(&mut stack).text.push_str(&text);
            }
            Event::CData(data) => {
                let data = data.decode().expect("UTF-8 CDATA");
                top(&mut stack).text.push_str(&data);
            }
            Event::GeneralRef(reference) => {
                let resolved = match reference.resolve_char_ref().expect("a valid character reference") {
                    Some(c) => c.to_string(),
                    None => {
                        let name = reference.decode().expect("a UTF-8 reference");
                        resolve_predefined_entity(&name)
                            .unwrap_or_else(|| panic!("unknown entity &{name};"))
                            .to_owned()
                    }
                };
                top(&mut stack).text.push_str(&resolved);
            }
            Event::Eof => break,
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) | Event::DocType(_) => {}
        }
    }
    let mut document = stack.pop().expect("the document");
    assert!(stack.is_empty(), "every element is closed");
    assert_eq!(document.children.len(), 1, "one root element");
    for element in document.children[0].descendants() {
        assert_only_xml_chars(&format!("the text of <{}>", element.name), &element.text);
    }
    document.children.remove(0)
}

fn top(stack: &mut [Element]) -> &mut Element {
    stack.last_mut().expect("inside the document")
}
