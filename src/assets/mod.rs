pub mod cover;
