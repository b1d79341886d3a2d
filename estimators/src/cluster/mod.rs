//! Clustering: [`KMeans`] (Lloyd's algorithm with k-means++, k-means||, random or
//! explicit initialisation) and [`SpectralClustering`] (normalised-Laplacian embedding,
//! then k-means, discretisation or CPQR), written once over the array contract.
//!
//! The data stay where they are: each Lloyd iteration is one fused
//! [`kmeans_step`](duckml_arrays::ClusterOps::kmeans_step) pass that returns only the
//! k x p centre sums and k counts; the labels live beside the data until the fit ends.

mod init;
mod kmeans;
mod lloyd;
mod model;
mod spectral;

pub use init::Init;
pub use kmeans::KMeans;
pub use model::KMeansModel;
pub use spectral::{Affinity, AssignLabels, EigenSolver, SpectralClustering, SpectralModel};
