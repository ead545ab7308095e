// libactbench_codecs.so: the two imgcodecs calls actbench makes, behind a C interface for dlopen (image_codecs.hpp
// says why they are not linked into the binary). Mats cross the boundary by pointer: both sides share libopencv_core.
#include <opencv2/imgcodecs.hpp>

#include <string>

extern "C" {

// 0: *out holds cv::imread's result (empty when it cannot read the file); 1: OpenCV threw, *error says why.
int actbench_codecs_read(const char* path, int flags, cv::Mat* out, std::string* error) {
    try {
        *out = cv::imread(path, flags);
        return 0;
    } catch (const cv::Exception& e) {
        *error = e.err;
        return 1;
    }
}

// 0: written; 1: not (*error says why when OpenCV threw).
int actbench_codecs_write(const char* path, const cv::Mat* image, std::string* error) {
    try {
        return cv::imwrite(path, *image) ? 0 : 1;
    } catch (const cv::Exception& e) {
        *error = e.err;
        return 1;
    }
}
}
