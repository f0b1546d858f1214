"""Reference hypothesis for modular_addition_mlp.

The Fourier multiplication algorithm, on ten key frequencies. Each row of W_E is a sum of sinusoids: written in the
Fourier basis of the token (cos and sin of 2π f x / 113, f = 1..56), the centred embedding has eight frequencies of
norm 3.9–5.0 (10, 50, 35, 21, 37, 54, 17, 7), two of 3.2 and 2.7 (8, 38), and a tail of ≤ 2.3 (16, 20, 41, 6, ...).
Every neuron reads one frequency: 96% (median over the 512 neurons) of the variance of its pre-activation
W_E[x] · W_in[n] over tokens x lies in a single frequency, and 416 of the 512 neurons read one of the ten (21: 56
neurons, 10: 56, 35: 52, 37: 48, 50: 47, 17: 47, 54: 38, 7: 34, 38: 19, 8: 19). A neuron of frequency f sees
cos(w a + φ) + cos(w b + φ) (w = 2π f / 113), which after the ReLU carries products cos(w a) cos(w b), hence
cos(w (a + b)); W_U turns each frequency's neurons into logits ~ cos(w (a + b − c)), and the frequencies agree only
at c = (a + b) mod 113. How many frequencies the MLP uses depends on the weight decay: with 1 or 4 it spreads over
16–20 (no 32-dimensional Fourier span then passes the excluded check with 1; with 4 only 16 frequencies, the size
limit, do), with 7 (this checkpoint) ten suffice, with 10 it uses 4–6 but stays at 88% accuracy.

Claims (every pair graded, global-mean ablation = the mean row of W_E). KEY_SPAN is the 20-dimensional span of the
ten key frequencies inside d_model (the grader allows up to 32):
  * the embedding at both positions restricted to the span keeps 0.923 of its effect; removing the span destroys
    0.884 (thresholds 0.9 / 0.8); 20 random 20-dimensional subspaces keep at most 0.14;
  * at one position (a alone, or b alone) restricted 0.946, excluded 0.857 (random subspaces ≤ 0.28); and patching
    only the span from another input (a', b') makes the model answer (a' + b) mod 113 (resp. a + b') at 0.981–0.983
    of the pairs where that differs (threshold 0.9): the number is read from the span, the rest of W_E[a] does not
    decide;
  * with the top 8 frequencies only (16 dimensions) the restricted value drops to 0.876 (fails); with 12, 0.949 /
    0.923 (passes, but claims two tail frequencies more). Measured outside the grader with the same formulas.
Same values at grading seeds 11, 222, 3333, 44444, 555555 (every input is graded; the seed only draws the sources
and the random subspaces; interchange 0.980–0.983): solved at all six.
"""

import base64

import numpy as np

from harness.hypothesis import Algorithm, Hypothesis, Subspace

P = 113
KEY_FREQUENCIES = [10, 50, 35, 21, 37, 54, 17, 7, 8, 38]
# The span of the key frequencies inside the embedding: row (f, cos) is Σ_x cos(2π f x / 113) W_E[x], row (f, sin)
# likewise (the Fourier components of W_E's columns at f, as vectors in d_model), float32, computed offline with
#   x = np.arange(113); rows = [np.cos(2*np.pi*f*x/113), np.sin(2*np.pi*f*x/113) for f in KEY_FREQUENCIES]
#   basis = (rows / norms) @ W_E        # W_E = harness.load_puzzle("modular_addition_mlp").model.embed.weight
KEY_SPAN = np.frombuffer(base64.b64decode("""
IGCBvj16mD2gS0w+dK3/Ph9xaL6pUN0+/+JqvooVbL7vesc+F+jEPtt+wL4OJ1I+vVvwPnnLrL5nypw+6eeSPl4fmT6AQiU9HXpkPqJ7N756Ft8971+L
PurFIj7lfMa91GQKPpmFqD47Ipa+5Ay3vg3ICD9CWs0+U9Q2vrOg9b6cYJi+KtSgPYr8tr5aIwU+nJ1hPscO9r1oeui+7c2gPh1gNr6/ywa+WqmlPpFR
kD6FW86+gqfgvjzloT4YrBs+EPDQPl8u/D7QDcS9YWUlPlNr8L3RpKS+iFpFvgPkxT7i/lA+r+9SPsOmq779kKI+oQqUvrVgzT7Al+M81KM+vuwzbD6N
s7g+j3L8vm6JvD4tYG6+xaqsPuADz77UvQ8+6MpbvnP7jb0CyHw+9r6qPlMizr6oAEy9lLW3PmM7oz7+uM88gpXAPtYErD4XNLm+rLiTvvKPk74Th5e+
+mAxvhA/uT6Qnce+8f/zPj+l8j4UJp2+IDWFPg8B8jyZT7Y+ekSfPSqIuL6uaaK+Q9TRvg89AT/RlMA+IjTAPF66cr5IHPG9ioK4PqmP2z5Ne6Y+hVa6
vuoM0T7JJMO+PxlAPrlHfj5iPJS9nSaXvlQe1j5dUwg+XWeZvp6B3T6Ioso+YR6tPla4Gz6GyWE+cOnFvjk0t77EDLY+t3XGvtlOUT6H3rw+JTbMvihG
8b55Rgo+ET6+PlVCd72HQve+lOe+Pv9byb2kBZg+/omuvYs/ZT4bN349X2SuPjy99b0tG36+It22Pprh9b7rB9a9qqfFvrHPmj6qhZi+XpnrPlZS+b5K
K6C+T9dRPhy8nb7rcoq9WAJrPeYekrtnP8U+tRsLvr9SjT7z4wi/Ng0WPj0S3D4YGq0+YO/aPhugkL3LlrO+tBjpPkRC1T5ETKG+agfLPYcbPL5KkZO9
JiMAv8085D5DcDe+LjeSvXzj7b4xfue+RvC0vqMvmj7fWbi+zza0Pn8K5L4XYQs+c+bKPg7oQ77RC5k+s8W5Przo+j4HIry+VG1iPpZvWr4TR0w9Ia0e
vqsh9751KUI+4hy9PnbMtz4cb4A+WjKvvjzMvb45LCU+8tYKve0vEz/lbwq9OWzHvsXL5b5fhpM+SJ+gPmQbWb5EeC++bJLFPt7nrD2NScC+I/LAPmc1
6juORLC9UngJvn68oL7n09q++xHcvnRXkb5idwK/MKrtvdlz+b3oIFM+MwLjPfbwFT5pBQm/uMfSPuV++j5AiZY8pSWIPrBsmj7gLZi+rZDXPQLatj1+
1vA+eDfEPlDEQD7ZAaE+50QgPdI+rz45R/m8JjOVPZ7ajb6uY7i94UDpvubT5z6WhVc+qBi6Ph2MBr6asyi+FbX7PjNMoz4MR6o8vI2+vlkRmD5w0ua+
5ou5PW8G0ryPVki+A2W4PoS74L0TIow+dQDDPs7JUD6FYMY+p+KiPql1Wz6i5Y8+LM6qvue8270AY7K+Rg9XPuRmiz4WQfG+fWiZPvMfB7+GI069Tweu
vnDBsj75ruW9APzovuJVyz0PkLa+vwH2vp4jvT1JIv699LWtvWeVBb9D3xY/RkAePhyjsT5DeLs9ONJ1Pjxmzb4nHzc+HEZuvUJpkb256/y9ntfcvh/9
ab5vOto+h0JoPhsF2r5Fmtk+a9aqvvQ6Vj5dxRs+dRLpvr24xD5OT54+msPDPkKbsz52TjG9pEvevsbB5T1qtz6+hLrmvkmv176iqmC9B+mQPu2gu721
M+C+surCPhUiP75L0dU+YeOOvSQdDD47+ai9U+lWPhdTe75iaZA+8ZWhPqOn9z6/8Hy+gCK+Pg/Q7D5R6Ua+KLYPvuh2+L6oucM903jcvaNOtr5CWJw+
SeLWPa7flT5W6+m9MinhPo1OAL6LLTQ+V49/PbJamD4hb4I9aT2wvjj1Z77iKky+cXQCv/Ux0b52lLE+8HrCvBAQwb4fiZS96/8NP8oYuD7NvtG+kXte
PpPMAj9OYYm+sLfhPlEc9j4cyY0+GePdPnyD2z4gibC+sgOHvghkxT4x7ru+m2/Ivl0IVz7rBn0+p6MNvt7P7z7h0gA+GxkhvopFPr0kXsW+9viyvhLV
Fr6idN49HJmpvn2zvL7viXA+4YayvtrBjz7QtqE+t7kEP3JAOD5uM0Y+qs0Hv6Sl8LxeA7q+sBgBP92nxr2FvSc+OPe7PmrZ4b6YnkO+zJZtPmlCzb5e
kis+3te1PurEkj4oMbs9G+v6vofc8b5cdgM/HZRYvnFD4716vcI+HomavrrDrL7Kh0W+/oazveb61D7fa/Y+nUbzPggulb5Mjqk9ODntvs84jj5//9E+
3RCJPjnMnb2z2Pk9RZ/hvtPE5T6vp1++yhFdPgtnPj6AGfC9SMfLPumA8j7FFPy9OMHNvsYgvr5D2rS+UUUdvmsA1T6wZ1a+laDLPo8wOD77Br8972pZ
vhYi6j0VUN8+k6XOvv6q7r6qraK+kl7gPjmUbL7tTDG+CZ6HvuBC0D6P15W+JKIfPqKZ5j4CPt2+Vl81vbUk3L6gutC+LrWSPnCEyj0Wic0+4pLXvlDW
oT6I7D8+HL0FPxB0w77Zzdg+PcbbvSZDuz4y31G9YSWePl6cuj4QVjG9/3g0vhF5jr5PUbQ8Pwj/vax5uj6FkSW88VSevVzBYT7gJIw+v5uNPVP5Ez73
oY8+9VFIPkQ7s767BjE9Oi+JvZQOiz1d+ZM+18oqPthdAz5/qDU7kZrOPiAe3j4pfMo+9GZtPnt3TT6BbFw+Fd6uvtXIBj2Jix6+jJJ0vRwH+76LhQI9
2Ea9vglVlL7tsdG+szx9vs/6gD3b47M+7IR5vuqPeT5uiwI/RL+zvL0vkj6pAQW/IVm+PnpIuD7ippm+AVrjvlX8k77F4yq+oQGxvqleiT0/rsi+rG22
vkMe4D7pSrG9cmJDvpBzrD7P39e+q3XQvs27yr4zm9w8KartvYQ97b5k79g9zgS9vmh5qb4bfaO+ZMCGvp8Qk75hNsS+9HmovrIoz776LCa+YGdPvt6u
Ij74IlE+st4Vvv1X2b4uoNA+b3S+vt01sD4EnLU+2lKMvCWUgj0AxM4+sInYPWF6Ib4Q/yw+yGLyu2sb7j2INq+9PxbkPuj2zLwL7se+MhDGvihfwL45
f/g+yYkiPg/fvL4FtDe+LTbDPjx8iL7CIG0+bQTXvtckxz40bIq+BbG8vS3E976ByLO+WetLvZ3LDb87BJo9p2asvgJ0oj7AL+A9bMouPglsFb5XvuK+
31GLvY2gBb5LSHq+oESJPvh2Pb3uHrg+m+HLvVxolb5atYQ+PHYLv+tjCzw+Z2C+y/Kfvqu8ij6A9fu+VrfUPi1rzT5ksqI+w5ICPt2kUD7MV6C+vJOe
vtq1mz4oYZC+5uUSv1962T7g6oC9bUINvqdGXb7K98g+Yh26vnxrvTxktsa+NMHIvrbWsT6QB1U+crLgPj/ovz5fY+8+Axg0vtfF0r4bQpc7xiCOvqh5
cr79hZu+DMfaPvrBJz6LvsG+QyBHvs03E7v5qvq+xuixPjbnUj6wUL27ph+DPoVgi76/QhU+x1ibvpBi3T7BLpQ+l0i5vrCcaD1HtoI+WtAXvnE7yj7l
yZg+qeCmPvuWjr0Dykm+Fv9Uvu7mu77Wltm+yAIzvku77T5aSaU+piufPvSdDD6mKiC8KyGKvk33yb4s7Fu+2nCSPoSbtD4vtsO+HQjLvrZ7vr51AgI/
NqMoPqO3ab74EfC8sPK3PkflTj70iY6+RUfAvqnCn70fk6C+SVevvg156L7vQfC+maGbvhCpyz720vc9kMXmPpA1kL5FAIo8XrdzvQvCM75Qxts+/wdD
voIjyz7+8qk+27rfPovzrD7NwEG+CZOcvu4bWL58epM+sHSZPhO3Gr14sJM+sufuvCnD375BMlq+pH7JvPRluj5mVuQ+NVnVvq3RFb65GgE/eBl9vkh+
dL4r18Q+XY/3vjisW766sLw+RBeGPqR00ruLCr89Btravs8Duj5D9a2+3tfvvhQk1D3f4bE8CiRvvktFUz4srfU+1CTTPgQ5ZD6lgiw+wrRivq124r7f
Z9o7U9B/PZ4Cyb7w1rw+Is3APkZjszxxVLq+llcIP3HLuz7S97m+B4OQvqLe9rpAcxa+Pn61Paupij6Ge5W+l30PPloVKr4x5io7yXpmvjgiVL5OWOy9
sJ/QvozGzb6rZ908yIyevopgmj6e+nc86TUyvntfmr49P16+yRPpPoCmsb5zDwG/B/obvD86ID3NnkW+YkevPqG4er4iJB8+j/l5Pk3AYT4TmO4+rM6k
vl7xX74yi72+rp5iPpQuIj4XsKS+y4CZPoSN4D5kKo89j1umvhYHAT93WdG7NFTXvYAjsL3VuLe+ZC9GPvLCCT9EDta+oQrnvcEo2r5VogY+A4H0vnkS
mT6mez++fHjPPkknoz6l2y4+9/e6vlz02z71Dwc+jTrgvjhBzr4ZGna8VbCNPh0OK74P17Y+3HFrvqDWzb4pMpa8iknaPgd1i73WeJs+w6HovjjzlT6K
kH6+51iTvhuas77RY9M9HTrrvpx1PLvhagm/oVFxPj4Kwb2M5n8+NayGPmhHib7cF0E+/Y+/PgbP1T5bH+Y+wCOaPiY9d74JzNU+0j7evFzwnj5qKII+
TOR9vmc3jb5p9ZQ+xI3ivseGwT7HzMw+DIhOPjLSML5mg0q+U/AJvQXuKz54pds+l8rNPl51rL5kyMG+ag2JPtil6D6lrbu+QOvfPjym2D4Wh6u+ZSze
PjtTJD7cYzw9XnQSPupyMj0jpb06CnSZvo2UHb7VXaO+W1i4PgHA675htb4+qfu0Pt/wtT6Oc50+EjrFvg708D4kHqg+wrKWvv3i5D6MR5g+xXUDPsqq
qj6gZ4M+nH03vnKqwb7tOT4+MqugvVQ9S75/Sne+LgKMPiBcgD2l7rW+3v/3vpK3r74mJ/o9TEuHvnESAT9U3Y8+3dAKv9Giqr3uNK09WL3iPpqAaD0i
P4Q+ruHYvqz6tr47ZoC+7qGGvtpEqz7r8TO9lMwhPnSaEb9f1bg83BENPy9Biz6ZjH4+VQ4ivnejnT7pmsg+FavwvXmQ+L5MhHg800d4vk6AsL4jrXY9
leNQvk8pxL7fU4o+k9Z4Pm8SBz/jZz68RkMavrrwAr/owri+FerePoSFBb7aAvu+T/E7vliw1z5wX489rB/3vp3bcDzBzEi+1fBRPjdvgj5wQ4c+qXcq
vWsp2L4ms7i+2MfJPtc/SLwKE6g+z0QCv3nejj4BGRe+nz2Gvs5M5r4yehi7oUhQvqS2C77tIXW+yHuivj4ODT37GAY/862zPYAS7r5X4LW+ZmCOvkve
rT4suWs89zy0vdquwjxxhsm+bQWSvjCF6r40E50+/1PVPmZpJz2jJyC+CHtAvUqiHr6vV2E+C+vIPS4usL6JPfa9Jt84vchNtz45M9K9b5IIvz50xb4P
caQ+XeqWvooc974zHtG+FohgPZ5Ep77IA2I9csDGPi19l76NigA+Ow7CPsmPXT5SKN6+i8RiPGUhAL+jcp6+ccd3vohTyb4Sl6++uhdBvsgP6T40ywW/
zoWXvpGpUj6YxgU7TNeUPkkixr4wbRk+4IXtPS2Jl77cnJk+jZyhvhwVUz3HoN+9k6yXvsnUuL5UvtI+MFurPqTKpj4kCOS9Pyqivpj7WL57tTa+mZba
vpD37D2MBiA+spHPvlDvoz4lusA9OvFHvq4ZuD4WFnc+N8vtPuVFKr0BXiQ+efBwvo5l3L4oQlW+4tu6vn8YTj6m2uk+Fat1vs7x9r2OFZ2+V1uBPvVf
8T5PNew9xAuhPer2Qj1Wr9S+rtR8vlS0hL5FoPm8YIHlPkZe47yeRvA+cHuiPqmGyr7GdTO+u7eiPr90tj4vpUi+QSG7vvBr9L4X12q+edGjPfsWnb5N
YRU+pRiuvqrS9r5jCnm+ubVGPhM9eb2T+uG+N6mHvo7j8L1a3b8+k9pWPAFsvT765Kq+bxKevT24Xb6osf8+3914PY1voT5ltRs+oxKXvhKirr4ImZC+
gCEDv4CCzr5avpK+btWNPm6cCT1SGJy+nOiFvvgMKT6KWhC/9p3vvpq96b4CXQu+b7LJPt+F9j0ASM6+EXqrvjO8Fj7e0Ro+TYXRvkLfyr4t6Is9aA+k
vpYgnz1aIN8+TPJgvlKh377pWk8+Sdw6vtTpwr7fR8c9ii7DPj9pmD3Qvf4+Vdd1vk0euj4fhra+hJsPPu7rsr0h1oY+fW8dvTxk072KWIU+cwOsPtv1
7L5HXJA+RTAFvoMEUD4IK8W+2hnUvWCUZj483r2+C07MvkL45D7udtU+1l4IPro7Rz7tSaK+/3OLPJUrmb62X36+0N2XvjALmL4ELig+/mPIvkdxu74g
feu9bTsRviAlsz4xL9g+KZVjvoYDvj5VWJE61lfDPh0Ot75gktw+c5CMvoyer75WWn++nWfSPkCJ0rslwJo+b5GaPiQtyL4RMM++gwiJvXPowr5IW7c+
xH/HvkyGJL6bOZo+n37XPorL4j5SxVm7aBusPkzuSb28ze2+hR0XvknQzT6aFlw+srt1vgItx77TtIK+JiKqvK2Am770XtK+59CGPu7r1r6XEhE+5/Ns
Pgxbt75XVcE+Pp6ePpYPoD4Yud6+kRHXPnpGDD7G99Y+BIAEvhPwer6gAey+dt36vqgCLL3bUJC+33Wrvilj3b5pLLI+APxcvg1g070Ah4c+7YRYvmQ6
e75Wzxq+0p3HPupgs7wDKj0+1BWKPqD0Jz384/k90a6QPXgoz75LcAG9rHGQvgGaxj0ZJgk+kld6PqMI2D6BRhg+htGQvGUemz55zk8+i42lvreigj6L
67I+5eLIvjWcWr6v3ky+5ziRPpMjQD79I7C+z9ewPV+3eL6KOb09MtU8vdC0Mz6utJK+WxTavkXBPL3bKpy+Ed7bPvP/sL50+Xs+mE2mvnKaDz2To6c+
HEPKPn4YVb5DGw69HLk/vjTC+j3So2i+WJeHvqA0rb0UF2O+/lugu46mGT7yeZU+5dajPj5Z0b2jxcw+522ZvrGxvj0LaYE+K3Fsvu1Arj7ZBFC8mDJI
viuRy73vm68+4bnKPehh3rv+koQ+AZIVu0THpb6PX4m+RGaIvhB+r77s8J++QeIfPiJXXL6PUvE7zzTAPr/rsD2PuHE+PR3vvopqUr0tw0O+DquhPj4/
sb5QcLU+ZJFBPnRvFr3Ni4s9DCu1vs6gir5UGhm+ctLCPdxLUb4O7je8z0JSPvADOb19o4k+I62mvuCHwj5Cg2C+8bO4vnhmqT6WaZ2+KxajPhFfFz61
iSg+mpTUPo3kIr6/46S+TjjcvlYhjL79KLw+qPDEvid1A77DXWu+XdEvvvdj873juB++FWcAPKZQGL7PSfI+D+yGvsfVUb1H4IG+XywAv7L9t749e1y+
JT6TvuRD3j5AMI6+7vqZvvZcZz5/vVA+NkjmvdrYGr4ZEVQ9VU/Kvq7IK75X9NY97I+BPolCDz65RNU+ylGjPp0oaD6W+zc+KilrPtG7TD5pN9U9hZyD
PrY0pr56IC2+0U/mPoo9fL15e7M+kGykvi7Ltr41Oq8+dx60PrcgLL5Oi3Q+86byviSvFz5dHFS9nbZ3PrWNXL69LaI+ypzFPpgfJz5xwqA9P0CzPlpo
+j6CbvK9OZyzPl8TmD4d3xa+u+1mPvWdWL7xZqk+PTGFvouyvr0PGg4+BZKVPrZRgL5/hT2+ezWfvtLKqz72HFm+YafIvXkj274duyS+PsGIvvudZj4u
kp4+LwC5vl7DhD6mDJ4+5DggPhlQfL5V5LW9UNBpPfLuMr4/W7i+xrOGPrDFyj76+xG+D0OYvvn1hL666Dq+4JG/PuXckz7egok8CDLnvXxgAD51O28+
fl3VPn3A0T4z2dO9TrCEPpictj5e7rI+Dwi7Piwosz6Qd4K+yw/DPtkVfz5q8ZG+tBH3vA3lsr6aJHc+P2dsvOM/hD59QTi+k3sRPktVgz4Q75k9q/jA
PsXnFz6H+js99zBFPfPLJD09fjy+KISyPq3EXD6vOrQ+p9auPlHQkL7dEuu+joKhvqy8tDt+nfM9DVGCviyO773dEho9nCEWPuvvUj5knXK+ljQ9vt66
q77E7Yo+zS+Yvlf9RT60P7m+uJjUvuakrj4bxzW+dvBPPjZ6y74kgCg+jPHLvoLUMD42TPC8uFcHvgQRsjzPyK4+6equPQByUL5bGa4+LKq0Pp0ohj4l
1ss9Ub6XPghjfz6ULKw9nMG5PRf6rD7nHQM+knGgvHMcsD4cfEy+LnQ8vvmgmr7IQZW+XmzJvA2Gzj3+gLE+EkgfviSxfr51LRg9LXRzvprjWL5KfD6+
wl8WPWAurL4kB4++Z3m2vnSRKT4S7SU+3NyFvgd8Mb2uIgY+B7usvjvZdL5UJte9VN6zvqfFyD74hdY+2cMbPhb5rz6VTNW9TsSXPoWt772m+iW9Hsx2
PnVBV75YzZQ+FYwWPrw3UD5hldW+EFGdvr+/kD3dcM0+kolLPqLRnj7g6tM+e+G3Pnp32D4LBHc+lP4Tvp7spr4Ked09EyTFvgWG8j3mwJG+cIqyvnOr
hr4gcra+rtLLPozjp750qJU+XD2jPpxyl76d79y+08w/PlsbjD535mw+oTsevhzaer4bApI99rGmPkAfrj563Yk7LiMcPqnT1T7Y6Rs+YolwPmcoIT5Q
6oS+XNDLuzSKij6Ce9k++sLavuJdD75Ojmi+YZ7QPsHqbr4KoRM+Ip27vZGBgj6Cz7K+1HiGPlUwAz7KJnk9jQigPJ9DbL7ek6W+zFSdvgofDL6eLh+8
yqSIvj94JD5Yq8S+WozGvtR/GryHorI9HbCsPrNxAT6njYo9ruy5PnfRmL1Yj7k+s3y/PgCK1r0sjLc+QESnvou6JL5yvSi+CfGhPuCPdr5cmmG+Jk3C
vkVFoj7Uf6c+8qmePXx7n76kBzS+keCevb8qmD6lk6c+PN+6vb1gXr6w16A+PPa9PtJjs71qd7G+e4+HvtWPmT7Ej7o+/ViDPkFWgT7rMsM+o9Y4PHpj
+r3gSzs+HkGrvlXhwL2S/Ii+ZumCvlCxxz4n4XW+zx1zPmlDjj2tPwq9s+P+vb94Er2v2L++C+RrvfO8yD5IRaa8/iSGvkTLnj6f1ps9446yPig0Ej51
laG97cyePp9wBr5e/kC+nv6dvuWTPD6RlxO+AxP4PZEnH75rcXa9aOohvjboyr4EWr4+6nrnPfb53L5oOkm9AL2mPZruJzunwbW+v04jPuVGdr60+8I8
YJVMPgGuYD7U3ru9RAOtPrU4OT757p6+rE2TPrelfT1H5Lq+BvGKvgR0gb7uW7Y8QoErvl05mj53/Jw+XjUNvr6+sr4Y/4++L6jDPvQn0j1GrYy+Ddcl
vs5ggT3Z1KI6oCCWvqk+pb46mto8Ib1TvojcXL7F3fS+e8s1PhusIj5wgl++8YK5vtEBir5eigc/CEuEvuY6x754c4i+EzG1vqXIsT643ZC+pVx7voYR
Mb7hQ7G8YSuMvmgIt74zhm68M5iXPjn21D5r5DG+6IykvtT3Zr6olVC+Dve0vjNyqT4x0zU9Xo6EvHHwgbyf/6C+nV3ePdm+Xz7aqWU+Lv6ZPjmJXL5W
11E+jqiRPjO13D10TFi+RrqLPdaXhT7DYX89txqdvp20pr6GXqU+AyRSvul8h76+w6G9GpeTPnUAxb7rA7k+kX0ivgpj2z77q1+9Hy2qPrTfZTtKnU++
qPFQPloAbT4jjKS+z6CJPthSmT4ZppM+hV5ZvvFDtzzNwnY+x7Mbvh9fmb7LFFg+Pphcvkqpm77rrXe+6Fgjvtq1M77WmIa9Mzr2POIDRT5FwZC+4Wil
vqVR6L7nI8c+zHYBPt34cL065q6+q5gavuYlbb5XhtQ+Z4KWvboh7TpYqpY+uw5pPfPknj5Wfp0+3SB0vsq1vr2hKF0+xrETPjdgCzw1FGA+T5CTvlQj
FD7FMWW+zeKePZjAyD6tNZc+6vB4PHVxKz5elWW9HMiPPm05rL3Ru3++mD2KPm2hg74GB/Y9a2XJu16APz5CpdG911AnvrnOnT4s9qW+lZ2nvuuLtL72
86E9wZ6wvijDOz4HKWY9k/LJvnoCib45ma4+Rtqtvv35NjyNFyu+ykilPupkx76YFbI+8Bo2PSqVoL4l+4++K9D+PT07oD6AsFe+Uak8vY/Gwz7AkDk+
pcIDvtjaxTyWVsI+o//jPqvj8j1c+rc+zmkDvkdKnj68R5g90IaRvXQxgD41rsa+PsmevjRUyj7PT6K+rtnGPtDdfD34pCS+EWXCvLK1YL65qpe9IO+F
PkJwEj6WD7G+dCssPv/b4D6z95u+KB4sviwiPb7AJdk9Fy1Nvh0sgD5rHHM9SrnivQ6ePL0wwGk+asNPvhQFlT71nb89alIdvpcZjL6lpKM+UqqPPnIB
DT4FyRU+LtWuPcffDj4g6T2+JhSmvv427T0c/qU+h1dWvhVQ972hn4+9s6MHvlkoSL4JBIy+qemuPhMhd74ccaC+Ld0Oviwy8TwDr667KyKXPf6B470V
s5m+uq53PnPQwr2Xea8+m1YJPvwjGrvlLmC8QHW3vk5WEj52Q88+iVIvPjv3Uj2XR7M+3BjJPhL4nj4rCgG+j9WrPvX1HL7OTaI9AbuZPtD84T2a6oI+
viGfvU2AYD4otrY+DKLLPo/3076V+IC+IyyMPqI5n76+ZzQ+dg9YPjIHvD7Qgpk+DPEnPutBdz5dd66+/FGVvpCHIb5ZfUC+UW+QPbHirr7r7qK9J66K
vtCRmz6r7SA9e+CUvgkfFj7qtZy+0gOgviCrir64LxC+YxHuPZ4g+z26y1++cQyPPolZlD4WXVe+ERGcPgSXej6qeE8+GY0Ovsa6lr4RPqa+lMW6vtNe
47z47ma90UaUvsac373IJlg+NUIKvs6j6L2JQho+YRh5Pp9cmr5ocD4+/JQrvigks7xjx4496wfDvV4/Sz7QwTK+elAPPhSss73ZHvY9Z8vEvfBLLz4V
3IU986fXvM8C3r3x/bQ9Mj29Pbp2gT5gBIG+SbdAve2+cD4XQCI+xaPjPHylNb4NFlW+x6iHPi04D77tiXK9eh1CvmvRJz7JOcI9HxzJvYkmJL70Kmi+
3LMjvqllmb06Vva9z72MPt/vaT44edG+iWB8PqD8ED7khSQ+UdxIPUqMFr4fCye+NbeSPQ3gRL4w+b++lwYCPjG6rb376MQ7xVoxPrsiEL5Qt1i+L6HG
vXCWQ75Dh0Y+riswvsfqJT4upA6+v9mZPOuw+L1bpFS+2chqvXdnHby7rDQ+tDIXvjIpW77ky2U+WMtJvmLHWr3xNBU9DN9qvtArNj5zV7O+D5A0vlSt
xr1DJRU9ZGYEPhhbkT4THnW+gEP2PbeyIb62VBs+/38evjhE5z34oUo+zfAgvhT+zD38+dC9NN5FvsOUoD5MUCY+4Z4fvi7OJr7ya2O+zUspvmpTT745
hkg+7iTXvWvQGj43gHc+O58XPrTeVD410RK+XU9KPj7ZoL3J64a+kdrhPYpZjL4tlEG+8wcIPh6vWD6+IOI9khKLvrUxDjzR6o+9ltBSPvidcz4bfYM+
ykUwPtkRRD5RY3m+r0BYvhRnIz77RRG+5T1UvSBdMb7F9ay97HAsProbij7KhSm+aABJPlEh5b0AwKc+/+yKPro4Yz4VdMS+4xGVPmzYhz75v7Q9ADdT
vv0Ajr6hqg++sbUkvs+fer01HVO+lM+TPmvatz28wqq+47QBvq79gT6uKLe9FypCvh8Foz5WnDG+inMRPkXVkz4b8hC++zZvPuSxhb7eXcW+bjRavuf6
cr5L9XQ+FxmUvS51mb22ca6+qxuWPnCUlT4nO3y+RlOyvue1pD4zdYw+SbSDvaRnir5yMrY9MFGBPs2SoD6cc4g+XEVovoxsjr7cVoG+aF2ovprvsD6N
btG9jQTePQ6sHr7IY76+cOh3vrCeoz6hdLu+9POvvRBbej7NHS++H0FLPbHzfz19ts69HUpsPueQsr6bfxC+M+YsvoQStz0JBji+TXqlPlhUgD4JB+89
CcdWvrMOLz07yXU+X21aPsPMvzy2RZC9Pc2xvfgSXT7HeF09ip57vrR7gb45gpE5Et1VPU2tKD4n1oW+dbVrvuDXcz0HG9y9mGSFvuSbZ71eRGu+Zsg+
Pp26kj5vjH4+ckA1PeOsTb56MSq+ui2APgSZWb7UM6o+pU1HPOBQFL6JQTk+EKiJPnPWmb1qcwu+pvEjPkmWUL4BMyM940oUPQ4CCr5TK5s+gQpWvlYD
Q7777QG+Ee+hPnXFLz6lOxO+GZVNvW40H77WDXA+eGy3PloH/71fpXg+K1ZFPkpFeD568I6+Dy9hPpVVPL4pf1S+pSbrPbZWA75lYEM+FCjIPeSkRT6u
1HQ+IepfPnI9ir41bBy+2svJOrunb76oOvS90flovX1EZj41rSu+U7WUPuOIXr6RxiG+cpG+vAE4wz2hFS2+x27jPbFyl766e4w+FIksviBcJz5w/h2+
zqhsPtM0Db47J7M5r9dgPYARpz1yu0u+eqZuvo6VIL4Zvpi92Bw2PlJXwjyayf29wUttvtn4Vr6CWBK+J9dIvvYnXD2HYZ682CYFPgDuEr4JJ54+DSEy
PjVXaj5aI9i9B7MePgcupL2wgGG+JTkOPqJdlr601v+9EmhlPixUYz791UK+zuFivYKwXT7wb9U9NRKPvl+P8j3J5ac84D3evBlDjz022Ci+DMpOPXNU
1D3+MpQ+iYZyPtCQVL4K5Zs+5Se8vjWJfT54CnO+MIQYPe6DLz5SJku+3xThvW5nfT4+o+o9Wxo6Pp3kTj56eog92fKnvpIX4zxhtRq+MFNLvmj1mr7S
dKI93cXsPRMRHr4IKIa+Vpi4PWeUQT79rie+o/ACPq5QbT6PgE6+2yOYPqrV7T34kHc9CjaBPs+NiT4AyBk+uU1rPkg64D1AHfC9dGhbPlfzAL6gjK09
ShPmOjZ9BL02xAy9gHUfvvyVHT7Zvf49ocMwvltNnz33SVA9Bw49PsbeOr6W5S0+kn4hvviNuj3aB7u9MSMsvhSwCD6d1Fq+6H0KPpUZAT7ZmxY+oVoR
vuYdg751xmW+/H8BPqLl2j3wyzy9bGxoPsHixr3GWxI+RdkRvkiZ3b3hXBM+cCUyPrqRi7s1GsA9ZI85vi4cZT7CEdy9FSZ+vbubGz1OOyo+aVixOPb1
Jb3J+jc+dEDKuyt7D74FoEO+J2j7vUHbH74Tuqq9NYlcPoXHJz5JKVy9h2hKPGgWdL4YEfC9SIJtvj+ljr3+7wM+5n8KPQufHz4g1As+v4wYPsXrDj4o
SzS90i/yPYDbIr7wOC6+/vYnvi2dwr1j6Xc9e48jPQb5VT4BHlA+P1UIPgxCwj0S/UW+QewHvmRxaD7A7xO+yBbwPJk5Ur4ewgS+Ev79Pc9n+Ty0IdA9
BNU7vrCTmD3kkJI76XnyPYVjKr53IKw8puz0PU5Lyb1pCX89xy38PTsj772Ekiu+KIZWvEvAlb3ScFK+HRyTvZZ3Mb69hK49KrGzvSskBL6dWhO78lwM
vnFSAL47UQK83uXJO8k9WD4PlTw+G2nJPfrvK76TbB4+lRRBPmtoCj5kIjA9Zc4lPn1cVb71+TI+8EtLPg==
"""), dtype="<f4").reshape(20, 128).astype(np.float64)


def a_of(tokens: np.ndarray) -> np.ndarray:
    return tokens[:, 0]


def b_of(tokens: np.ndarray) -> np.ndarray:
    return tokens[:, 1]


def with_a(base: np.ndarray, a: np.ndarray) -> np.ndarray:
    """The answer at position 1 when the first number is `a` (from the source) and the second is the base's."""
    out = np.full(base.shape, -1)
    out[:, 1] = (a + base[:, 1]) % P
    return out


def with_b(base: np.ndarray, b: np.ndarray) -> np.ndarray:
    out = np.full(base.shape, -1)
    out[:, 1] = (base[:, 0] + b) % P
    return out


def answer(tokens: np.ndarray) -> np.ndarray:
    out = np.full(tokens.shape, -1)
    out[:, 1] = tokens.sum(1) % P
    return out


def claims(span: np.ndarray) -> list:
    """The mechanism with its part: the key-frequency span of the embedding."""
    return [
        Subspace("embed", span, name="the embedding matters only through the key frequencies"),
        Subspace("embed[0]", span, variable=a_of, predict=with_a,
                 name="a is read from the key-frequency span of its embedding"),
        Subspace("embed[1]", span, variable=b_of, predict=with_b,
                 name="b is read from the key-frequency span of its embedding"),
        Algorithm(answer, name="output = (a + b) mod 113"),
    ]


hypothesis = Hypothesis(puzzle="modular_addition_mlp", description=__doc__, claims=claims(KEY_SPAN))


def key_frequencies(embed: np.ndarray) -> list[int]:
    """The frequencies f whose cos/sin components of the embedding have at least half the norm of the strongest,
    strongest first (on this checkpoint the ten above: 0.53 of the strongest for 38, 0.46 for the next, 16; on
    retrained seeds 10–12 frequencies, the next at most 0.48)."""
    x = np.arange(P)
    waves = np.stack([np.stack([np.cos(2 * np.pi * f * x / P), np.sin(2 * np.pi * f * x / P)])
                      for f in range(1, P // 2 + 1)])  # [f - 1, cos/sin, x]
    norms = np.linalg.norm(waves @ embed, axis=(1, 2))
    return [int(i) + 1 for i in np.argsort(-norms, kind="stable") if norms[i] >= norms.max() / 2]


def span(embed: np.ndarray, frequencies: list[int]) -> np.ndarray:
    """Rows (f, cos), (f, sin): the unit cos / sin wave over the tokens times W_E (how KEY_SPAN above was made)."""
    x = np.arange(P)
    rows = np.stack([g(2 * np.pi * f * x / P) for f in frequencies for g in (np.cos, np.sin)])
    return (rows / np.linalg.norm(rows, axis=1, keepdims=True)) @ embed


def relabel(weights: dict) -> Hypothesis:
    """The same mechanism located in another checkpoint's weights (`interp-puzzles universality`): the key
    frequencies that checkpoint grokked."""
    frequencies = key_frequencies(weights["embed.weight"])
    return Hypothesis(puzzle="modular_addition_mlp", description=__doc__,
                      metadata={"labels": f"key frequencies {', '.join(map(str, frequencies))}"},
                      claims=claims(span(weights["embed.weight"], frequencies)))
