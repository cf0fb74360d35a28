/**
 * Datasets: the IDX reader for (Fashion-)MNIST with validation of magic numbers, counts and sizes, the location of the
 * Debian {@code dataset-fashion-mnist} files and the subset shipped inside henas. May depend on: the JDK only.
 */
package io.henas.data;
