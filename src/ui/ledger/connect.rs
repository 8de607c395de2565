//! 台账 → 连接数据库…: the office's ledger server by its parts (host, port, database, account,
//! password). The parts are remembered, the password never: it is kept only in the URL the
//! ledger connects with, in memory.

use crate::model::Lang;
use egui::{RichText, Ui};
use serde::{Deserialize, Serialize};

/// The server last connected to, remembered with the window's settings (no password).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ServerSettings {
    pub host: String,
    pub port: String,
    pub database: String,
    pub user: String,
    /// `sslmode`, as libpq names it.
    pub tls: String,
    /// The server's root certificate, for `verify-ca` and `verify-full` (empty: the default
    /// `~/.postgresql/root.crt`).
    pub root_cert: String,
}

/// The TLS modes offered, with what each means.
const TLS_MODES: [(&str, &str, &str); 5] = [
    ("prefer", "优先加密", "encrypted when offered"),
    ("require", "必须加密", "encrypted"),
    (
        "verify-ca",
        "加密并验证证书",
        "encrypted, certificate verified",
    ),
    (
        "verify-full",
        "加密并验证证书与主机名",
        "encrypted, certificate and host verified",
    ),
    ("disable", "不加密", "not encrypted"),
];

impl Default for ServerSettings {
    fn default() -> Self {
        Self {
            host: "localhost".to_owned(),
            port: "5432".to_owned(),
            database: "parkland".to_owned(),
            user: String::new(),
            tls: "prefer".to_owned(),
            root_cert: String::new(),
        }
    }
}

/// The dialog's state while it is open.
#[derive(Debug, Clone, Default)]
pub struct ConnectDialog {
    pub settings: ServerSettings,
    pub password: String,
    /// Why the parts do not make an address, beside the fields.
    pub error: Option<String>,
    /// `Some`: the dialog opens a PostGIS table as a layer (文件 → 打开 PostGIS 图层…),
    /// not the ledger.
    pub layer: Option<LayerChoice>,
}

/// The table a PostGIS layer is read from, and what it holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LayerChoice {
    pub table: String,
    pub kind: crate::layer::LayerKind,
}

/// What the dialog asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConnectAction {
    None,
    Cancel,
    /// Connect to this URL (it holds the password, if one was typed).
    Connect(String),
    /// Open this table's URL (`…?table=NAME`) as districts or parcels.
    OpenLayer(String, crate::layer::LayerKind),
}

/// A URL part with everything but letters, digits and `-._~` percent-encoded.
fn encoded(part: &str) -> String {
    const KEEP: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
        .remove(b'-')
        .remove(b'.')
        .remove(b'_')
        .remove(b'~');
    percent_encoding::utf8_percent_encode(part, KEEP).to_string()
}

impl ConnectDialog {
    /// The dialog on the parts last used.
    #[must_use]
    pub fn new(settings: ServerSettings) -> Self {
        Self {
            settings,
            password: String::new(),
            error: None,
            layer: None,
        }
    }

    /// The dialog for opening a PostGIS table as a layer (the parcels table by default).
    #[must_use]
    pub fn for_layer(settings: ServerSettings) -> Self {
        Self {
            layer: Some(LayerChoice {
                table: "parcels".to_owned(),
                kind: crate::layer::LayerKind::Parcels,
            }),
            ..Self::new(settings)
        }
    }

    /// The URL of the layer's table: the server's, with `table=`.
    pub fn layer_url(&self) -> Result<String, String> {
        let url = self.url()?;
        let table = self.layer.as_ref().map_or("", |l| l.table.trim());
        if table.is_empty() {
            return Err("请填写表名 / fill in the table".to_owned());
        }
        let joiner = if url.contains('?') { '&' } else { '?' };
        Ok(format!("{url}{joiner}table={}", encoded(table)))
    }

    /// The `postgresql://` URL of the parts, or what is missing (in both languages).
    pub fn url(&self) -> Result<String, String> {
        let s = &self.settings;
        let (host, database, user) = (s.host.trim(), s.database.trim(), s.user.trim());
        if host.is_empty() || database.is_empty() || user.is_empty() {
            return Err(
                "请填写主机、数据库和账号 / fill in the host, database and account".to_owned(),
            );
        }
        let port: u16 = s.port.trim().parse().map_err(|_| {
            format!(
                "端口须为 1–65535 的数字 / the port must be a number 1–65535, not {:?}",
                s.port
            )
        })?;
        let password = if self.password.is_empty() {
            String::new()
        } else {
            format!(":{}", encoded(&self.password))
        };
        let host = if host.contains(':') && !host.starts_with('[') {
            format!("[{host}]")
        } else {
            host.to_owned()
        };
        let mut query = Vec::new();
        let tls = s.tls.trim();
        if !tls.is_empty() && tls != "prefer" {
            query.push(format!("sslmode={}", encoded(tls)));
        }
        if !s.root_cert.trim().is_empty() {
            query.push(format!("sslrootcert={}", encoded(s.root_cert.trim())));
        }
        let query = if query.is_empty() {
            String::new()
        } else {
            format!("?{}", query.join("&"))
        };
        Ok(format!(
            "postgresql://{}{password}@{host}:{port}/{}{query}",
            encoded(user),
            encoded(database)
        ))
    }

    /// Shows the dialog; returns what the user asked for.
    pub fn window_ui(&mut self, ctx: &egui::Context, lang: Lang) -> ConnectAction {
        let mut action = ConnectAction::None;
        let mut open = true;
        let title = if self.layer.is_some() {
            lang.pick("打开 PostGIS 图层", "Open a PostGIS layer")
        } else {
            lang.pick("连接台账服务器", "Connect to the ledger server")
        };
        egui::Window::new(title)
            .collapsible(false)
            .resizable(false)
            .open(&mut open)
            .show(ctx, |ui| action = self.ui(ui, lang));
        if open { action } else { ConnectAction::Cancel }
    }

    fn ui(&mut self, ui: &mut Ui, lang: Lang) -> ConnectAction {
        let mut action = ConnectAction::None;
        egui::Grid::new("connect_fields")
            .num_columns(2)
            .show(ui, |ui| {
                let s = &mut self.settings;
                for (label, value) in [
                    (lang.pick("主机", "Host"), &mut s.host),
                    (lang.pick("端口", "Port"), &mut s.port),
                    (lang.pick("数据库", "Database"), &mut s.database),
                    (lang.pick("账号", "Account"), &mut s.user),
                ] {
                    let label = ui.label(label);
                    ui.add(egui::TextEdit::singleline(value).desired_width(220.0))
                        .labelled_by(label.id);
                    ui.end_row();
                }
                let label = ui.label(lang.pick("密码", "Password"));
                ui.add(
                    egui::TextEdit::singleline(&mut self.password)
                        .password(true)
                        .desired_width(220.0),
                )
                .labelled_by(label.id);
                ui.end_row();
                let label = ui.label(lang.pick("加密", "TLS"));
                let shown = |code: &str| {
                    TLS_MODES
                        .iter()
                        .find(|(c, _, _)| *c == code)
                        .map_or(code.to_owned(), |(c, zh, en)| {
                            format!("{} ({c})", lang.pick(zh, en))
                        })
                };
                crate::ui::combo_labelled(
                    ui,
                    label.id,
                    egui::ComboBox::from_id_salt("connect_tls")
                        .selected_text(shown(&self.settings.tls)),
                    |ui| {
                        for (code, _, _) in TLS_MODES {
                            ui.selectable_value(
                                &mut self.settings.tls,
                                code.to_owned(),
                                shown(code),
                            );
                        }
                    },
                );
                ui.end_row();
                let label = ui.label(lang.pick("根证书", "Root certificate"));
                ui.add(
                    egui::TextEdit::singleline(&mut self.settings.root_cert)
                        .hint_text("~/.postgresql/root.crt")
                        .desired_width(220.0),
                )
                .labelled_by(label.id);
                ui.end_row();
                if let Some(layer) = &mut self.layer {
                    let label = ui.label(lang.pick("表", "Table"));
                    ui.add(egui::TextEdit::singleline(&mut layer.table).desired_width(220.0))
                        .labelled_by(label.id);
                    ui.end_row();
                    ui.label(lang.pick("图层", "Layer"));
                    ui.horizontal(|ui| {
                        use crate::layer::LayerKind;
                        ui.radio_value(
                            &mut layer.kind,
                            LayerKind::Parcels,
                            lang.pick("宗地", "Parcels"),
                        );
                        ui.radio_value(
                            &mut layer.kind,
                            LayerKind::Districts,
                            lang.pick("片区", "Districts"),
                        );
                    });
                    ui.end_row();
                }
            });
        ui.label(
            RichText::new(lang.pick(
                "密码不会保存；也可用 PGPASSWORD 或 ~/.pgpass 提供",
                "The password is never saved; PGPASSWORD or ~/.pgpass can give it too",
            ))
            .weak()
            .small(),
        );
        if let Some(error) = &self.error {
            ui.label(RichText::new(error).color(crate::ui::theme::ERROR_TEXT));
        }
        ui.horizontal(|ui| {
            if let Some(kind) = self.layer.as_ref().map(|l| l.kind) {
                if ui.button(lang.pick("打开", "Open")).clicked() {
                    match self.layer_url() {
                        Ok(url) => action = ConnectAction::OpenLayer(url, kind),
                        Err(why) => self.error = Some(why),
                    }
                }
            } else if ui.button(lang.pick("连接", "Connect")).clicked() {
                match self.url() {
                    Ok(url) => action = ConnectAction::Connect(url),
                    Err(why) => self.error = Some(why),
                }
            }
            if ui.button(lang.pick("取消", "Cancel")).clicked() {
                action = ConnectAction::Cancel;
            }
        });
        action
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_url_encodes_its_parts_and_refuses_what_is_missing() {
        let mut dialog = ConnectDialog::new(ServerSettings {
            host: "db.office".to_owned(),
            port: "6543".to_owned(),
            database: "台账".to_owned(),
            user: "wang".to_owned(),
            ..ServerSettings::default()
        });
        dialog.password = "p@ss:w/rd%".to_owned();
        let url = dialog.url().expect("a url");
        assert_eq!(
            url,
            "postgresql://wang:p%40ss%3Aw%2Frd%25@db.office:6543/%E5%8F%B0%E8%B4%A6"
        );
        let config: postgres::Config = url.parse().expect("parses");
        assert_eq!(config.get_password(), Some("p@ss:w/rd%".as_bytes()));
        assert_eq!(config.get_dbname(), Some("台账"));
        dialog.password.clear();
        assert_eq!(
            dialog.url().as_deref(),
            Ok("postgresql://wang@db.office:6543/%E5%8F%B0%E8%B4%A6")
        );
        dialog.settings.tls = "verify-full".to_owned();
        dialog.settings.root_cert = "/etc/ssl/office root.crt".to_owned();
        let url = dialog.url().expect("a url");
        assert_eq!(
            url,
            "postgresql://wang@db.office:6543/%E5%8F%B0%E8%B4%A6?sslmode=verify-full&sslrootcert=%2Fetc%2Fssl%2Foffice%20root.crt"
        );
        let mut layer = ConnectDialog::for_layer(dialog.settings.clone());
        layer.layer.as_mut().expect("a layer").table = "gis.plots".to_owned();
        assert_eq!(
            layer.layer_url().as_deref(),
            Ok(
                "postgresql://wang@db.office:6543/%E5%8F%B0%E8%B4%A6?sslmode=verify-full&sslrootcert=%2Fetc%2Fssl%2Foffice%20root.crt&table=gis.plots"
            )
        );
        dialog.settings.port = "sixty".to_owned();
        assert!(dialog.url().is_err_and(|e| e.contains("端口")));
        dialog.settings.port = "5432".to_owned();
        dialog.settings.user = " ".to_owned();
        assert!(dialog.url().is_err());
    }
}
