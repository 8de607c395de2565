//! Enterprise figures (企业指标): what an enterprise produced, paid in tax and invested in a
//! year, as the statistics office reports them, in 万元. They are linked to parcels by the
//! parcels' holder (土地使用权人) for 亩均税收 and 亩均产值 (`stats::enterprise`).

use serde::{Deserialize, Serialize};

/// One enterprise's figures for one year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EnterpriseFigures {
    /// 企业名称, trimmed; matched to a parcel's holder exactly.
    pub enterprise: String,
    /// 年度.
    pub year: i16,
    /// 产值 (万元).
    pub output_10k_yuan: f64,
    /// 税收 (万元).
    pub tax_10k_yuan: f64,
    /// 投资 (万元).
    pub investment_10k_yuan: f64,
}
