// Replaces OpenCV's umbrella header for this subset build: Debian's opencv.hpp includes every
// module it was built with, and the arm64 sysroot carries only the four the agent links.
#pragma once
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/videoio.hpp>
