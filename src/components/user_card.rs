//! The user's picture, as the header and the profile page show it.

use leptos::prelude::*;

/// A round avatar: the picture when there is one, else the name's initial.
/// `large` is the profile page's size. Sizes are CSS classes, not inline styles,
/// which the strict CSP of `deploy/` would block.
#[component]
pub fn Avatar(
    picture: Option<String>,
    name: String,
    #[prop(optional)] large: bool,
) -> impl IntoView {
    let class = if large { "avatar large" } else { "avatar" };
    // A picture the browser cannot show (the CSP's img-src leaves its host out, or it
    // is gone) falls back to the initial.
    let failed = RwSignal::new(false);
    let picture = picture.filter(|p| !p.is_empty());
    move || {
        match picture.clone().filter(|_| !failed.get()) {
        Some(src) => view! {
            <img class=class src=src alt="" referrerpolicy="no-referrer" on:error=move |_| failed.set(true)/>
        }
        .into_any(),
        None => {
            // ASCII upper-casing only: full Unicode case tables would add ~12 KB to
            // the module for one letter. Other letters are shown as written.
            let initial = name
                .chars()
                .next()
                .unwrap_or('?')
                .to_ascii_uppercase()
                .to_string();
            view! { <span class=format!("{class} avatar-initial") aria-hidden="true">{initial}</span> }
                .into_any()
        }
    }
    }
}
