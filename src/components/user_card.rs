//! The user's picture and name, as the header and the profile page show them.

use leptos::prelude::*;

/// A round avatar: the picture when there is one, else the name's initial.
#[component]
pub fn Avatar(
    picture: Option<String>,
    name: String,
    #[prop(default = 32)] size: u32,
) -> impl IntoView {
    match picture.filter(|p| !p.is_empty()) {
        Some(src) => view! {
            <img class="avatar" src=src alt="" width=size height=size referrerpolicy="no-referrer"/>
        }
        .into_any(),
        None => {
            let initial = name
                .chars()
                .next()
                .unwrap_or('?')
                .to_uppercase()
                .to_string();
            view! {
                <span class="avatar avatar-initial" aria-hidden="true" style=format!("--size:{size}px")>
                    {initial}
                </span>
            }
            .into_any()
        }
    }
}
