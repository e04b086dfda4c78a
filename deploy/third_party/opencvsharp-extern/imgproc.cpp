// ReSharper disable CppUnusedIncludeDirective
#include "imgproc.h"
#include "imgproc_Subdiv2D.h"
#include "imgproc_CLAHE.h"
#include "imgproc_LineIterator.h"
#include "imgproc_GeneralizedHough.h"
#include "imgproc_Segmentation.h"
#include "imgproc_LineSegmentDetector.h"
