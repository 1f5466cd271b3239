//! Starts `mldocklint server` (found on the worktree's PATH) for Dockerfiles.

use zed_extension_api::{self as zed, LanguageServerId, Result};

struct Mldocklint;

impl zed::Extension for Mldocklint {
    fn new() -> Self {
        Mldocklint
    }

    fn language_server_command(&mut self, _id: &LanguageServerId, worktree: &zed::Worktree) -> Result<zed::Command> {
        let command = worktree
            .which("mldocklint")
            .ok_or("mldocklint is not on PATH: pip install 'mldocklint[server]'")?;
        Ok(zed::Command { command, args: vec!["server".into()], env: worktree.shell_env() })
    }
}

zed::register_extension!(Mldocklint);
