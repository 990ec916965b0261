pub fn start_force_ratio(_p: &crate::params::Params) -> f64 {
    2.0
}
